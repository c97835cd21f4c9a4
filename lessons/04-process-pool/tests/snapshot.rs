//! The lesson's default output, numbers redacted: text, structure, exact facts and verdict words.
//!
//! Snapshots are reviewed like code: an unexpected change is a bug until explained. Update with
//! `INSTA_UPDATE=always cargo test -p lesson-04-process-pool --test snapshot`.

use lesson_kit::snapshot::{redacted_output, settled_output};

/// Workers are pinned so that the snapshot reads the same on a machine with more cores.
fn redacted_run() -> String {
    redacted_output(
        env!("CARGO_BIN_EXE_lesson-04-process-pool"),
        &["--workers", "2"],
    )
}

#[test]
fn default_run() {
    if lesson_kit::machine::cores() < 2 {
        eprintln!("1 core: speedup verdicts differ from the snapshot; only correctness is checked");
        let output = redacted_run();
        assert!(!output.contains('✗'), "a check failed:\n{output}");
        return;
    }
    // The verdict words depend on measured speedups: re-measure before failing.
    let snapshot = include_str!("snapshots/snapshot__default_run.snap");
    insta::assert_snapshot!(settled_output(snapshot, 5, redacted_run));
}
