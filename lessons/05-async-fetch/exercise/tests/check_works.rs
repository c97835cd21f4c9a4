//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter and every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that
//! try to fool or harm the check) with a message naming what the answer did, and accepts the
//! model solution and the correct alternatives in `tests/right/`. Nothing may be left running
//! and no file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-05-exercise --test check_works -- --ignored`.

use std::path::PathBuf;

use lesson_kit::exercise::testing::{
    Hostile, Leftovers, both_ways, class_files, hostile_files_fail, wrong_answers_told,
};

/// The kit's hostile files, as this exercise's check must judge them.
const HOSTILE: Hostile = Hostile {
    lesson: "lesson-05",
    memory_mib: 1024,
    sleeps_forever: "did not return within 4 s",
};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-05 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-05", &here(), files)
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
        (
            "exercise.rs",
            &["was not tried again", "never had more than 1"],
        ),
        ("in_groups_of_limit.rs", &["in groups of 3"]),
        ("no_limit.rs", &["all 12 requests in flight at once"]),
        (
            "releases_the_permit_before_the_body.rs",
            &["given back once the response head arrived"],
        ),
        (
            "reports_in_the_order_they_finish.rs",
            &["not in the order they finished"],
        ),
        ("retries_forever.rs", &["it retries forever"]),
        (
            "retries_without_back_off.rs",
            &["wait 25.0 ms before the first retry"],
        ),
        (
            "swallows_an_error.rs",
            &["its connection is refused) has no report"],
        ),
        (
            "waits_without_doubling.rs",
            &["must double with each retry"],
        ),
    ];
    wrong_answers_told(&text, expected);

    leftovers.assert_none_left();
}
