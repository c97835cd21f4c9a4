//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter and every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that
//! try to fool or harm the check) with a message naming what the answer did, and accepts the
//! model solution and the correct alternatives in `tests/right/`. Nothing may be left running
//! and no file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-05-exercise --test check_works -- --ignored`.

use std::path::{Path, PathBuf};

use lesson_kit::exercise::testing::{both_ways, class_files, section};

const ESCAPED: &str = "/tmp/lesson-05-wrong-answer-escaped.txt";

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-05 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-05", &here(), files)
}

/// This exercise's answer runners still alive (other lessons' checks may run meanwhile).
fn runners_alive() -> Vec<String> {
    let mut alive = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        // A hostile answer's child (sleep 1000), wherever it ended up.
        if cmdline.starts_with("sleep 1000") {
            alive.push(format!("{:?}: {cmdline}", entry.file_name()));
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        if String::from_utf8_lossy(&environ).contains("LESSON_KIT_ANSWER_RUNNER")
            && exe.to_string_lossy().contains("lesson-05")
        {
            alive.push(format!("{:?}: {}", entry.file_name(), exe.display()));
        }
    }
    alive
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    let _ = std::fs::remove_file(ESCAPED);
    let files = class_files(&here());
    let (code, text) = check_exercise(&files);
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");
    // The starter and tests/wrong/ all fail; the solution and tests/right/ all pass.
    both_ways(&text, &here());

    // What each wrong answer did, as the check must say it.
    let expected: &[(&str, &[&str])] = &[
        (
            "exercise.rs",
            &["was not tried again", "never had more than 1"],
        ),
        (
            "exits_early_with_fake_check_marks.rs",
            &["ended the program (exit code 0)"],
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
        ("sleeps_forever.rs", &["did not return within 4 s"]),
        (
            "swallows_an_error.rs",
            &["its connection is refused) has no report"],
        ),
        (
            "waits_without_doubling.rs",
            &["must double with each retry"],
        ),
        ("aborts.rs", &["aborted (SIGABRT)"]),
        (
            "allocates_without_bound.rs",
            &["memory: more than 1024 MiB"],
        ),
        ("leaves_a_process_running.rs", &["left a process (sleep"]),
        (
            "panic_hook_exits_zero.rs",
            &["ended the program (exit code 0)"],
        ),
        ("spawns_threads_without_bound.rs", &["(at most 64 allowed)"]),
        (
            "unsafe_code_before_main.rs",
            &["does not build", "forbid(unsafe_code)"],
        ),
        ("writes_gigabytes.rs", &["a file larger than 64 MiB"]),
    ];
    for (file, reasons) in expected {
        let (part, summary) = section(&text, file);
        // "failed", or "failed: does not build".
        assert!(summary.contains(": failed"), "{file} must fail:\n{part}");
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
        "holds_the_permit_while_waiting_to_retry.rs",
        "workers_take_the_next_url.rs",
    ] {
        let (part, summary) = section(&text, file);
        // A busy machine may leave the speed unjudged; nothing else may fail.
        let passed = summary.ends_with(": passed") || summary.contains("speed not judged");
        assert!(passed, "{file} must pass:\n{part}");
    }
    let alive = runners_alive();
    assert!(alive.is_empty(), "left running: {alive:?}");
}
