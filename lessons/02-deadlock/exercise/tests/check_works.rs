//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter, every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that try
//! to fool or harm the check) with a message naming what the answer did, and accepts the model
//! solution and the correct alternatives in `tests/right/`. Nothing may be left running and no
//! file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-02-exercise --test check_works -- --ignored`.

use std::path::PathBuf;

use lesson_kit::exercise::testing::{
    Hostile, Leftovers, both_ways, class_files, hostile_files_fail, section, wrong_answers_told,
};

/// The kit's hostile files, as this exercise's check must judge them.
const HOSTILE: Hostile = Hostile {
    lesson: "lesson-02",
    memory_mib: 1024,
    sleeps_forever: "did not return within 10 s",
};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-02 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-02", &here(), files)
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    HOSTILE.remove_escaped();
    let leftovers = Leftovers::before_check(HOSTILE.lesson);
    let files = class_files(&here());
    let (code, text) = check_exercise(&files);
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");
    // The starter and tests/wrong/ all fail; the solution and tests/right/ all pass.
    both_ways(&text, &here());
    // The hostile files failed, each told what it did; nothing escaped.
    hostile_files_fail(&text, &HOSTILE);

    // What each wrong answer did, as the check must say it.
    let expected: &[(&str, &[&str])] = &[
        ("exercise.rs", &["deadlock: cook 0 holds tool"]),
        ("copies_the_chapter.rs", &["deadlock:"]),
        (
            "keeps_its_first_tool.rs",
            &["in hand from one dish to the next"],
        ),
        ("last_cook_reversed.rs", &["deadlock:"]),
        ("leaves_one_out.rs", &["it starved while the others cooked"]),
        (
            "one_lock_for_everything.rs",
            &["no two cooks ever cooked at once"],
        ),
        ("random_order.rs", &["deadlock:"]),
        ("starts_late.rs", &["deadlock:"]),
    ];
    wrong_answers_told(&text, expected);

    for file in [
        "solution.rs",
        "all_or_nothing.rs",
        "arbitrator.rs",
        "btreeset_order.rs",
    ] {
        let (part, summary) = section(&text, file);
        assert!(summary.ends_with(": passed"), "{file} must pass:\n{part}");
    }
    leftovers.assert_none_left();
}
