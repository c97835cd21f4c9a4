//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter, every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that try
//! to fool or harm the check) with a message naming what the answer did, and accepts the model
//! solution and the correct alternatives in `tests/right/`. Nothing may be left running and no
//! file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-02-exercise --test check_works -- --ignored`.

use std::path::{Path, PathBuf};

use lesson_kit::exercise::testing::{both_ways, class_files, section};

const ESCAPED: &str = "/tmp/lesson-02-wrong-answer-escaped.txt";

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-02 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-02", &here(), files)
}

fn runners_alive() -> Vec<String> {
    let mut alive = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let runner = String::from_utf8_lossy(&environ).contains("LESSON_KIT_ANSWER_RUNNER");
        let ours = cmdline.contains("lesson-02-exercise");
        if (cmdline.starts_with("sleep 1000") || runner) && (ours || !runner) {
            alive.push(format!("{:?}: {cmdline}", entry.file_name()));
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
        ("exercise.rs", &["deadlock: cook 0 holds tool"]),
        ("aborts.rs", &["aborted (SIGABRT)"]),
        (
            "allocates_without_bound.rs",
            &["memory: more than 1024 MiB"],
        ),
        ("copies_the_chapter.rs", &["deadlock:"]),
        (
            "exits_early_with_fake_check_marks.rs",
            &["ended the program (exit code 0)"],
        ),
        (
            "keeps_its_first_tool.rs",
            &["in hand from one dish to the next"],
        ),
        ("last_cook_reversed.rs", &["deadlock:"]),
        ("leaves_a_process_running.rs", &["left a process (sleep"]),
        ("leaves_one_out.rs", &["it starved while the others cooked"]),
        (
            "one_lock_for_everything.rs",
            &["no two cooks ever cooked at once"],
        ),
        (
            "panic_hook_exits_zero.rs",
            &["ended the program (exit code 0)"],
        ),
        ("random_order.rs", &["deadlock:"]),
        ("sleeps_forever.rs", &["did not return within 10 s"]),
        ("spawns_threads_without_bound.rs", &["(at most 64 allowed)"]),
        ("starts_late.rs", &["deadlock:"]),
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
    assert!(!text.contains("exercise-submissions"), "{text}");

    for file in [
        "solution.rs",
        "all_or_nothing.rs",
        "arbitrator.rs",
        "btreeset_order.rs",
    ] {
        let (part, summary) = section(&text, file);
        assert!(summary.ends_with(": passed"), "{file} must pass:\n{part}");
    }
    let alive = runners_alive();
    assert!(alive.is_empty(), "left running: {alive:?}");
}
