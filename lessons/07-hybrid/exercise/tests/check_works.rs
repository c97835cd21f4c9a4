//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter and every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that
//! try to fool or harm the check) with a message naming what the answer did, and accepts the
//! model solution and the correct alternatives in `tests/right/`. Nothing may be left running
//! and no file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so this test is ignored by a plain
//! `cargo test`; CI runs it once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-07-exercise --test check_works -- --ignored`.

use std::path::PathBuf;

use lesson_kit::exercise::testing::{
    Hostile, Leftovers, both_ways, class_files, hostile_files_fail, wrong_answers_told,
};

/// The kit's hostile files, as this exercise's check must judge them.
const HOSTILE: Hostile = Hostile {
    lesson: "lesson-07",
    memory_mib: 1024,
    sleeps_forever: "had not returned after",
};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-07 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-07", &here(), files)
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    HOSTILE.remove_escaped();
    let leftovers = Leftovers::before_check(HOSTILE.lesson);
    let files = class_files(&here());
    let (code, text) = check_exercise(&files);
    // Every verdict and its time, for `--show-output` (a failure shows it anyway).
    println!("{text}");
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");
    // The starter and tests/wrong/ all fail; the solution and tests/right/ all pass.
    both_ways(&text, &here());
    // The hostile files failed, each told what it did; nothing escaped.
    hostile_files_fail(&text, &HOSTILE);

    // What each wrong answer did, as the check must say it.
    let expected: &[(&str, &[&str])] = &[
        (
            "exercise.rs",
            &[
                "all 24 photos were in memory at once",
                "ran at the same time for only 0%",
            ],
        ),
        (
            "unbounded_channel.rs",
            &["photos were in memory at once, more than 4"],
        ),
        (
            "thumbnails_in_an_async_task.rs",
            &["thumbnails were made on the runtime's own thread"],
        ),
        (
            "drops_the_last_photo.rs",
            &["the last photo of the batch", "thumbnails were made in all"],
        ),
        (
            "in_batches_of_max_photos.rs",
            &["ran at the same time for only 0%"],
        ),
        (
            "never_ends_when_a_download_fails.rs",
            &[
                "had not returned after",
                "cannot be downloaded",
                "requests for the 8 URLs",
            ],
        ),
        // Told by what the judge saw at the server, beyond the kit's words for it.
        ("sleeps_forever.rs", &["received no request"]),
    ];
    wrong_answers_told(&text, expected);

    leftovers.assert_none_left();
}
