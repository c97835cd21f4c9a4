//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter, every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that try
//! to fool or harm the check) with a message naming what the answer did, and accepts the model
//! solution and the correct alternatives in `tests/right/`. Nothing may be left running and no
//! file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-03-exercise --test check_works -- --ignored`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use lesson_kit::exercise::testing::{both_ways, class_files, section};

/// Each test builds the exercise with other answers: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const ESCAPED: &str = "/tmp/lesson-03-wrong-answer-escaped.txt";

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-03 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-03", &here(), files)
}

/// Answer runners and the processes they start (which inherit the runner's variable), by pid.
fn runners_alive() -> BTreeSet<String> {
    let mut alive = BTreeSet::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let runner = String::from_utf8_lossy(&environ).contains("LESSON_KIT_ANSWER_RUNNER");
        if cmdline.starts_with("sleep 1000") || runner {
            alive.insert(format!("{:?}: {cmdline}", entry.file_name()));
        }
    }
    alive
}

/// What this test's submissions left running. Other checks may run on this machine at the same
/// time (other lessons, other worktrees): only what is new and still there 3 s later counts.
fn left_by_this_run(before: &BTreeSet<String>) -> Vec<String> {
    let new: BTreeSet<String> = runners_alive().difference(before).cloned().collect();
    if new.is_empty() {
        return Vec::new();
    }
    std::thread::sleep(Duration::from_secs(3));
    runners_alive().intersection(&new).cloned().collect()
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let _ = std::fs::remove_file(ESCAPED);
    let before = runners_alive();
    let files = class_files(&here());
    let (code, text) = check_exercise(&files);
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");
    // The starter and tests/wrong/ all fail; the solution and tests/right/ all pass.
    both_ways(&text, &here());

    // What each wrong answer did, as the check must say it.
    let expected: &[(&str, &[&str])] = &[
        (
            "exercise.rs",
            &["all 1000 items were processed", "drop every Sender"],
        ),
        ("aborts.rs", &["aborted (SIGABRT)"]),
        (
            "allocates_without_bound.rs",
            &["memory: more than 1024 MiB"],
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
            "exits_early_with_fake_check_marks.rs",
            &["ended the program (exit code 0)"],
        ),
        (
            "ignores_the_worker_count.rs",
            &["process() ran on 4 threads, more than the 3 workers"],
        ),
        ("leaves_a_process_running.rs", &["left a process (sleep"]),
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
            "panic_hook_exits_zero.rs",
            &["ended the program (exit code 0)"],
        ),
        ("sleeps_forever.rs", &["took no item from `items`"]),
        ("spawns_threads_without_bound.rs", &["(at most 64 allowed)"]),
        (
            "stops_when_queue_looks_empty.rs",
            &["✗ exactly once", "pipeline() is stuck"],
        ),
        (
            "unbounded_queue.rs",
            &["is the queue bounded?", "✓ exactly once"],
        ),
        (
            "unsafe_code_before_main.rs",
            &["does not build", "forbid(unsafe_code)"],
        ),
        ("writes_gigabytes.rs", &["a file larger than 64 MiB"]),
    ];
    for (file, reasons) in expected {
        let (part, summary) = section(&text, file);
        assert!(summary.contains("failed"), "{file} must fail:\n{part}");
        for reason in *reasons {
            assert!(
                part.contains(reason),
                "{file}: expected {reason:?} in:\n{part}"
            );
        }
    }
    // Killing the judge is refused where Landlock scopes signals (Linux 6.12); without it the
    // judge dies, and check-exercise counts that as failed.
    let (part, summary) = section(&text, "kills_the_parent.rs");
    assert!(summary.contains("failed"), "{part}");
    assert!(
        part.contains("ended the program (exit code 0)") || part.contains("did not finish"),
        "{part}"
    );
    let (part, summary) = section(&text, "writes_outside_its_folder.rs");
    assert!(summary.contains("failed"), "{part}");
    assert!(
        !Path::new(ESCAPED).exists(),
        "an answer wrote {ESCAPED}:\n{part}"
    );
    if part.contains("Landlock, fully enforced") {
        assert!(part.contains("Permission denied"), "{part}");
    }
    // Compiler errors and panics name the student's file, not the copy under target/.
    assert!(!text.contains("exercise-submissions"), "{text}");

    for file in [
        "solution.rs",
        "poison_pills.rs",
        "producer_thread_collector_main.rs",
        "std_mpsc_sync_channel.rs",
    ] {
        let (part, summary) = section(&text, file);
        assert!(summary.ends_with(": passed"), "{file} must pass:\n{part}");
    }
    let left = left_by_this_run(&before);
    assert!(left.is_empty(), "left running: {left:?}");
}
