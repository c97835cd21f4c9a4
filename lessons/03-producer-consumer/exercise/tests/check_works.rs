//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter, every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that try
//! to fool or harm the check) with a message naming what the answer did, and accepts the model
//! solution and the correct alternatives in `tests/right/`. Nothing may be left running and no
//! file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-03-exercise --test check_works -- --ignored`.

use std::path::PathBuf;
use std::sync::Mutex;

use lesson_kit::exercise::testing::{
    Hostile, Leftovers, both_ways, class_files, hostile_files_fail, section, wrong_answers_told,
};

/// Each test builds the exercise with other answers: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The kit's hostile files, as this exercise's check must judge them.
const HOSTILE: Hostile = Hostile {
    lesson: "lesson-03",
    memory_mib: 1024,
    sleeps_forever: "took no item from `items`",
};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-03 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-03", &here(), files)
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
        (
            "exercise.rs",
            &["all 1000 items were processed", "drop every Sender"],
        ),
        (
            "collects_until_quiet.rs",
            &["its result was not returned", "stopped collecting"],
        ),
        (
            "collects_until_quiet_for_2_s.rs",
            &["quiet spell is not the end"],
        ),
        (
            "consumers_stop_on_timeout.rs",
            &["No item was processed after the producer's 1.5 s pause"],
        ),
        (
            "drops_the_last_item.rs",
            &["1000 items went in, 999 results came out"],
        ),
        ("duplicates_every_item.rs", &["was processed 2 times"]),
        (
            "ignores_the_worker_count.rs",
            &["process() ran on 4 threads, more than the 3 workers"],
        ),
        ("leaves_a_thread_running.rs", &["left 1 thread running"]),
        (
            "leaves_consumers_unjoined.rs",
            &["still held the stage or the items", "not joined"],
        ),
        ("never_shuts_down.rs", &["not joined"]),
        (
            "one_consumer_at_a_time.rs",
            &["started 3 threads, but only 1 of them ever called process()"],
        ),
        (
            "stops_when_queue_looks_empty.rs",
            &["✗ exactly once", "pipeline() is stuck"],
        ),
        (
            "unbounded_queue.rs",
            &["is the queue bounded?", "✓ exactly once"],
        ),
    ];
    wrong_answers_told(&text, expected);

    for file in [
        "solution.rs",
        "poison_pills.rs",
        "producer_thread_collector_main.rs",
        "std_mpsc_sync_channel.rs",
    ] {
        let (part, summary) = section(&text, file);
        assert!(summary.ends_with(": passed"), "{file} must pass:\n{part}");
    }
    leftovers.assert_none_left();
}
