//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter, every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that try
//! to fool or harm the check) with a message naming what the answer did, and accepts the model
//! solution and the correct alternatives in `tests/right/`. Nothing may be left running and no
//! file outside the answers' temporary folders may change.
//!
//! Each submission is built and checked in turn (minutes), so these tests are ignored by a plain
//! `cargo test`; CI runs them once with `--ignored` (`.ci/run`), and so can you:
//! `cargo test -p lesson-01-exercise --test check_works -- --ignored`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use lesson_kit::exercise::testing::{both_ways_but_speed, class_files, section};

/// Each test builds the exercise with other answers: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const ESCAPED: &str = "/tmp/lesson-01-wrong-answer-escaped.txt";

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-01 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-01", &here(), files)
}

fn runners_alive() -> Vec<String> {
    let mut alive = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        // Other lessons' checks may run meanwhile (another lesson's runner failed this test once):
        // only this exercise's runners.
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        let runner = String::from_utf8_lossy(&environ).contains("LESSON_KIT_ANSWER_RUNNER")
            && exe.to_string_lossy().contains("lesson-01");
        if cmdline.starts_with("sleep 1000") || runner {
            alive.push(format!("{:?}: {cmdline}", entry.file_name()));
        }
    }
    alive
}

#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn every_wrong_answer_fails_and_every_right_one_passes() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let _ = std::fs::remove_file(ESCAPED);
    let files = class_files(&here());
    let (code, text) = check_exercise(&files);
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");
    // The starter and tests/wrong/ all fail; the solution and tests/right/ all pass.
    both_ways_but_speed(&text, &here(), &["every_thread_tests_every_number.rs"]);

    // What each wrong answer did, as the check must say it.
    let expected: &[(&str, &[&str])] = &[
        ("exercise.rs", &["updates were lost", "started none"]),
        (
            "adds_its_total_with_load_and_store.rs",
            &["writes the tally with a plain `store`"],
        ),
        ("aborts.rs", &["aborted (SIGABRT)"]),
        (
            "allocates_without_bound.rs",
            &["memory: more than 1024 MiB"],
        ),
        ("counts_boundaries_twice.rs", &["counted twice"]),
        ("drops_the_remainder.rs", &["were not counted"]),
        (
            "exits_early_with_fake_check_marks.rs",
            &["ended the program (exit code 0)"],
        ),
        ("joins_each_thread.rs", &["never more than 1 ran at once"]),
        ("leaves_a_process_running.rs", &["left a process (sleep"]),
        ("lock_under_another_name.rs", &["uses a lock (`Counter`"]),
        ("mutex_counter.rs", &["uses a lock (`Mutex`"]),
        ("no_threads_in_part_2.rs", &["the answer started no thread"]),
        (
            "panic_hook_exits_zero.rs",
            &["ended the program (exit code 0)"],
        ),
        ("sleeps_forever.rs", &["did not return within 10 s"]),
        ("spawns_threads_without_bound.rs", &["(at most 64 allowed)"]),
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
    // Only the speedup tells this one from a right answer; a machine too busy to judge speed
    // says so instead (exit code 3), as it does for the right answers below.
    let (part, summary) = section(&text, "every_thread_tests_every_number.rs");
    assert!(
        (summary.contains("failed") && part.contains("does each thread do only its share?"))
            || summary.contains("speed not judged"),
        "{part}"
    );
    // Compiler errors and panics name the student's file, not the copy under target/.
    assert!(!text.contains("exercise-submissions"), "{text}");

    for file in [
        "solution.rs",
        "compare_and_swap.rs",
        "even_split_with_join_handles.rs",
    ] {
        let (part, summary) = section(&text, file);
        assert!(
            summary.ends_with(": passed") || summary.contains("speed not judged"),
            "{file} must pass (or be not judged on a busy machine):\n{part}"
        );
    }
    let alive = runners_alive();
    assert!(alive.is_empty(), "left running: {alive:?}");
}

/// unzip, `cp -p` and `rsync -a` give a replaced file an older date than the build: the check
/// must follow the content, or it checks the previous student's build.
#[test]
#[ignore = "builds every submission (minutes): CI runs it (.ci/run); locally add `-- --ignored`"]
fn a_replaced_file_with_an_older_date_is_rebuilt() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let folder = std::env::temp_dir().join(format!("lesson-01-mtime-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let student = folder.join("student.rs");
    std::fs::copy(here().join("src/solution.rs"), &student).unwrap();
    let (code, text) = check_exercise(std::slice::from_ref(&student));
    assert!(matches!(code, Some(0) | Some(3)), "{text}");
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
    assert!(text.contains("updates were lost"), "{text}");
}
