//! The lesson's default output, numbers redacted: text, structure, exact facts and verdict words.
//!
//! Snapshots are reviewed like code: an unexpected change is a bug until explained. Update with
//! `INSTA_UPDATE=always cargo test -p lesson-02-deadlock --test snapshot`.

/// Workers are pinned so that the snapshot reads the same on a machine with more cores.
fn redacted_run() -> String {
    lesson_kit::snapshot::redacted_output(
        env!("CARGO_BIN_EXE_lesson-02-deadlock"),
        &["--workers", "2"],
    )
}

#[test]
fn default_run() {
    // Every fact in this lesson's output is exact or redacted, and none depends on the cores:
    // the deadlocks are forced, and the fixes are judged by their results, not their speed.
    insta::assert_snapshot!(redacted_run());
}
