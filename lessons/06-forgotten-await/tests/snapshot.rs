//! The lesson's default output, numbers redacted: text, structure, exact facts and verdict words.
//!
//! Snapshots are reviewed like code: an unexpected change is a bug until explained. Update with
//! `INSTA_UPDATE=always cargo test -p lesson-06-forgotten-await --test snapshot`.

#[test]
fn default_run() {
    let lesson = env!("CARGO_BIN_EXE_lesson-06-forgotten-await");
    // The lag bands depend on a free core for the runtime's thread: re-measured first.
    let snapshot = include_str!("snapshots/snapshot__default_run.snap");
    if let Some(output) = lesson_kit::snapshot::settled_default_run(lesson, snapshot) {
        insta::assert_snapshot!(output);
    }
}
