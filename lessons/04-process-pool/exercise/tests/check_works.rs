//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter, every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that try
//! to fool or harm the check) with a message naming what the answer did, and accepts the model
//! solution and the correct alternatives in `tests/right/`. Nothing may be left running and no
//! file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-04-exercise --test check_works -- --ignored`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use lesson_kit::exercise::testing::{
    Hostile, Leftovers, both_ways, class_files, hostile_files_fail, section, wrong_answers_told,
};

/// Each test builds the exercise with other answers: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The kit's hostile files, as this exercise's check must judge them.
const HOSTILE: Hostile = Hostile {
    lesson: "lesson-04",
    memory_mib: 1024,
    sleeps_forever: "did not return within 6 s",
};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-04 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-04", &here(), files)
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
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
        ("exercise.rs", &["waits for that task forever"]),
        (
            "abandons_the_worker.rs",
            &["its worker was left running it"],
        ),
        (
            "fails_every_unfinished_task.rs",
            &["(under the 400 ms limit), was reported failed"],
        ),
        (
            "global_deadline.rs",
            &["(under the 600 ms limit), was reported failed"],
        ),
        ("limit_ten_times_too_long.rs", &["times the limit"]),
        ("retries_the_timed_out_task.rs", &["was tried again"]),
        ("retries_without_end.rs", &["tries it again and again"]),
        ("runs_tasks_on_threads.rs", &["were sent 0 of the 6 tasks"]),
        ("second_of_grace.rs", &["(a grace)"]),
        (
            "times_out_when_the_pool_is_quiet.rs",
            &["the pool had been quiet for the limit"],
        ),
    ];
    wrong_answers_told(&text, expected);

    for file in [
        "solution.rs",
        "deadlines_kept_by_the_answer.rs",
        "polls_deadlines_on_a_tick.rs",
    ] {
        let (part, summary) = section(&text, file);
        assert!(summary.ends_with(": passed"), "{file} must pass:\n{part}");
    }
    leftovers.assert_none_left();
}

/// unzip, `cp -p` and `rsync -a` give a replaced file an older date than the build: the check
/// must follow the content, or it checks the previous student's build.
#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn a_replaced_file_with_an_older_date_is_rebuilt() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let folder = std::env::temp_dir().join(format!("lesson-04-mtime-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let student = folder.join("student.rs");
    std::fs::copy(here().join("src/solution.rs"), &student).unwrap();
    let (code, text) = check_exercise(std::slice::from_ref(&student));
    assert_eq!(code, Some(0), "{text}");
    // The next student's file, at the same path, dated a day earlier.
    std::fs::copy(here().join("src/exercise.rs"), &student).unwrap();
    let day_ago = SystemTime::now() - Duration::from_secs(86_400);
    std::fs::File::options()
        .write(true)
        .open(&student)
        .unwrap()
        .set_modified(day_ago)
        .unwrap();
    let (code, text) = check_exercise(std::slice::from_ref(&student));
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(code, Some(1), "the starter must fail:\n{text}");
    assert!(text.contains("waits for that task forever"), "{text}");
}
