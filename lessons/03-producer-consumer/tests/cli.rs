//! Bad input gets one line naming the bad value and what is allowed, and exit code 2.

use std::process::Command;

use lesson_kit::conventions::{assert_shared_conventions, assert_usage_error};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-03-producer-consumer");

fn run(args: &[&str]) -> std::process::Output {
    lesson_kit::conventions::run(LESSON, args)
}

#[test]
fn the_shared_conventions_hold() {
    let experiments = [
        "fan-out",
        "throughput",
        "shutdown",
        "consumer-panics",
        "backpressure",
        "async",
    ];
    assert_shared_conventions(LESSON, &experiments);
}

#[test]
fn a_size_out_of_range_is_refused() {
    assert_usage_error(LESSON, &["--size", "10"], &["'10'", "1000..=100000000"]);
}

#[test]
fn json_has_numbers_as_numbers() {
    let output = run(&[
        "--only",
        "throughput",
        "--size",
        "20000",
        "--reps",
        "1",
        "--json",
    ]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.trim_start().starts_with('{'), "not JSON: {stdout}");
    assert!(stdout.contains("\"items_per_s\": "), "{stdout}");
    assert!(
        stdout.contains("\"min_s\": 0."),
        "times must be numbers of seconds: {stdout}"
    );
}

#[test]
fn svg_writes_the_figures() {
    let dir = std::env::temp_dir().join(format!("lesson-03-svg-{}", std::process::id()));
    let output = run(&[
        "--only",
        "fan-out",
        "--reps",
        "1",
        "--svg",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    for figure in [
        "fan-out-crossbeam-timeline.svg",
        "fan-out-guard-held-timeline.svg",
    ] {
        let svg =
            std::fs::read_to_string(dir.join(figure)).unwrap_or_else(|e| panic!("{figure}: {e}"));
        assert!(svg.starts_with("<svg"), "{figure}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn hangs_are_ended_and_no_thread_outlives_the_experiments() {
    // The hangs of these experiments are deliberate; the process must still end by itself.
    let mut child = Command::new(env!("CARGO_BIN_EXE_lesson-03-producer-consumer"))
        .args(["--only", "shutdown,async", "--workers", "2"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the lesson runs");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the lesson did not end within 60 s: a hang was not ended");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(status.success(), "{stdout}");
    assert!(stdout.contains("✓ no thread left behind"), "{stdout}");
    assert!(
        stdout.contains("✓ close, a Sender forgotten: hang detected"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✓ tasks, a Sender forgotten: hang detected"),
        "{stdout}"
    );
}
