//! Bad input gets one line naming the bad value and what is allowed, and exit code 2; the pool's
//! worker processes never outlive the lesson.

use lesson_kit::conventions::{assert_shared_conventions, assert_usage_error};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-07-hybrid");

#[test]
fn the_shared_conventions_hold() {
    assert_shared_conventions(LESSON, &["six-ways", "timeline", "failures"]);
}

#[test]
fn sizes_delays_and_bounds_out_of_range_are_refused() {
    assert_usage_error(LESSON, &["--size", "0"], &["'0'", "1..=1000"]);
    assert_usage_error(
        LESSON,
        &["--delay-ms", "100000"],
        &["'100000'", "0..=10000"],
    );
    assert_usage_error(LESSON, &["--concurrency", "0"], &["'0'", "1..=256"]);
    assert_usage_error(LESSON, &["--channel", "x"], &["'x'"]);
}

#[test]
fn json_has_numbers_as_numbers() {
    let args = ["--only", "failures", "--size", "4", "--reps", "1", "--json"];
    let output = lesson_kit::conventions::run(LESSON, &args);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.trim_start().starts_with('{'), "not JSON: {stdout}");
    assert!(stdout.contains("photo-03"), "{stdout}");
}

#[test]
fn the_pool_workers_are_gone_when_the_lesson_ends() {
    // The failures experiment starts a process pool; none of its workers may be left behind.
    let mut child = std::process::Command::new(LESSON)
        .args(["--only", "failures", "--size", "4", "--workers", "2"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the lesson starts");
    let lesson = child.id();
    let mut workers = Vec::new();
    while child.try_wait().expect("waits").is_none() {
        workers.extend(lesson_kit::process::children(lesson));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(child.wait().expect("waits").success());
    assert!(!workers.is_empty(), "the process pool started no worker");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let left: Vec<u32> = workers
        .into_iter()
        .filter(|&pid| lesson_kit::process::is_running(pid))
        .collect();
    assert!(left.is_empty(), "workers left behind: {left:?}");
}

#[test]
fn the_pool_workers_die_with_a_killed_lesson() {
    // SIGKILL gives the lesson no chance to clean up: the workers' PR_SET_PDEATHSIG must end them.
    let mut child = std::process::Command::new(LESSON)
        .args([
            "--only",
            "six-ways",
            "--size",
            "200",
            "--delay-ms",
            "0",
            "--workers",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the lesson starts");
    let lesson = child.id();
    let started = std::time::Instant::now();
    let mut workers = Vec::new();
    while workers.is_empty() && started.elapsed() < std::time::Duration::from_secs(60) {
        workers = lesson_kit::process::children(lesson);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("the lesson is killed");
    child.wait().expect("the lesson is reaped");
    assert!(!workers.is_empty(), "the process pool never started");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut left = workers.clone();
    while !left.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        left.retain(|&pid| lesson_kit::process::is_running(pid));
    }
    assert!(
        left.is_empty(),
        "workers outlived the killed lesson: {left:?}"
    );
}
