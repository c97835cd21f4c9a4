//! The exercise's check must work both ways, through the teacher's own command: it rejects the
//! starter and every wrong answer in `tests/wrong/` (plausible mistakes, and hostile files that
//! try to fool or harm the check) with a message naming what the answer did, and accepts the
//! model solution and the correct alternatives in `tests/right/`. Nothing may be left running
//! and no file outside the answers' temporary folders may change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lesson_kit::exercise::testing::section;

const ESCAPED: &str = "/tmp/lesson-07-wrong-answer-escaped.txt";

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check-exercise lesson-07 FILES...` as a teacher would; its exit code and output.
fn check_exercise(files: &[PathBuf]) -> (Option<i32>, String) {
    lesson_kit::exercise::testing::check_exercise("lesson-07", &here(), files)
}

/// Processes of lesson 07's checks alive now, as "pid: command line": its answer runners, what
/// answers started (they inherit the runner's variable) and any `sleep 1000` (the hostile file's
/// child, wherever it ended up).
fn runners_alive() -> BTreeSet<String> {
    let mut alive = BTreeSet::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let in_runner = String::from_utf8_lossy(&environ).contains("LESSON_KIT_ANSWER_RUNNER");
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        let exe = exe.to_string_lossy();
        // Another lesson's runner is another check's.
        let ours = exe.contains("lesson-07") || !exe.contains("lesson-");
        if cmdline.starts_with("sleep 1000") || (in_runner && ours) {
            alive.insert(format!("{:?}: {cmdline}", entry.file_name()));
        }
    }
    alive
}

/// What this test's check left running. Other checks may run on this machine meanwhile (other
/// lessons and worktrees, whose hostile files start `sleep 1000` too): only what is new since
/// `before` and still there 3 s later counts. A check's own leftovers are killed when it ends.
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
    let _ = std::fs::remove_file(ESCAPED);
    let before = runners_alive();
    let mut files = vec![
        here().join("src/exercise.rs"),
        here().join("src/solution.rs"),
    ];
    for folder in ["tests/wrong", "tests/right"] {
        let mut in_folder: Vec<PathBuf> = std::fs::read_dir(here().join(folder))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        in_folder.sort();
        files.extend(in_folder);
    }
    let (code, text) = check_exercise(&files);
    // Every verdict and its time, for `--show-output` (a failure shows it anyway).
    println!("{text}");
    assert_eq!(code, Some(1), "some submissions must fail:\n{text}");

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
        ("aborts.rs", &["aborted (SIGABRT)"]),
        (
            "allocates_without_bound.rs",
            &["memory: more than 1024 MiB"],
        ),
        (
            "exits_early_with_fake_check_marks.rs",
            &["ended the program (exit code 0)"],
        ),
        ("leaves_a_process_running.rs", &["left a process (sleep"]),
        (
            "panic_hook_exits_zero.rs",
            &["ended the program (exit code 0)"],
        ),
        (
            "sleeps_forever.rs",
            &["had not returned after", "received no request"],
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
        "dispatcher_behind_a_semaphore.rs",
        "permit_travels_with_the_photo.rs",
    ] {
        let (part, summary) = section(&text, file);
        // A busy machine may leave the speed unjudged; nothing else may fail.
        let passed = summary.ends_with(": passed") || summary.contains("speed not judged");
        assert!(passed, "{file} must pass:\n{part}");
    }
    let left = left_by_this_run(&before);
    assert!(left.is_empty(), "left running: {left:?}");
}
