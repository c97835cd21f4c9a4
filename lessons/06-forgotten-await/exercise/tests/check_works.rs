//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter and every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that
//! try to fool or harm the check) with a message naming what the answer did, and accepts the
//! model solution and the correct alternatives in `tests/right/`. Nothing may be left running
//! and no file outside the answers' temporary folders may change. Each submission is one batch
//! of about a second (three on a busy machine).

use std::path::PathBuf;

use lesson_kit::exercise::testing::{
    Hostile, Leftovers, both_ways, check_exercise, class_files, hostile_files_fail,
    wrong_answers_told,
};

/// The kit's hostile files, as this exercise's check must judge them.
const HOSTILE: Hostile = Hostile {
    lesson: "lesson-06",
    memory_mib: 1024,
    sleeps_forever: "did not return within 15 s",
};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    HOSTILE.remove_escaped();
    let leftovers = Leftovers::before_check(HOSTILE.lesson);
    let files = class_files(&here());
    let (code, text) = check_exercise("lesson-06", &here(), &files);
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");
    // The starter and tests/wrong/ all fail; the solution and tests/right/ all pass (a busy
    // machine may leave the stall unjudged).
    both_ways(&text, &here());
    // The hostile files failed, each told what it did; nothing escaped.
    hostile_files_fail(&text, &HOSTILE);

    // What each wrong answer did, as the check must say it. These verdicts come from the store's
    // counts (and, for the starter's sleep, a stall of 150 ms a busy machine does not explain),
    // so they hold on a busy machine too.
    let expected: &[(&str, &[&str])] = &[
        (
            "exercise.rs",
            &[
                "customers 104, 109 are in neither list",
                "a future does nothing until it is awaited",
                "render() ran on the runtime's own thread",
                "calls std::thread::sleep",
            ],
        ),
        (
            "block_on_inside_the_runtime.rs",
            &["Cannot start a runtime from within a runtime"],
        ),
        (
            "fixes_only_the_sleep.rs",
            &["render() ran on the runtime's own thread 8 times"],
        ),
        (
            "logs_the_error_but_counts_it_done.rs",
            &["yet the summary counts it as done"],
        ),
        (
            "spawn_blocking_without_a_limit.rs",
            &["renders ran at once, on as many threads"],
        ),
    ];
    wrong_answers_told(&text, expected);

    leftovers.assert_none_left();
}
