//! Bad input gets one line naming the bad value and what is allowed, and exit code 2.

use lesson_kit::conventions::{assert_shared_conventions, assert_usage_error};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-06-forgotten-await");

#[test]
fn the_shared_conventions_hold() {
    let experiments = [
        "never-awaited",
        "blocking-the-runtime",
        "runtime-in-runtime",
        "guard-across-await",
        "detached-errors",
        "cancellation",
    ];
    assert_shared_conventions(LESSON, &experiments);
}

#[test]
fn sizes_blocks_and_counts_out_of_range_are_refused() {
    assert_usage_error(LESSON, &["--size", "0"], &["'0'", "1..=100"]);
    assert_usage_error(LESSON, &["--block-ms", "5000"], &["'5000'", "1..=2000"]);
    assert_usage_error(LESSON, &["--block-ms", "x"], &["'x'"]);
    assert_usage_error(LESSON, &["--ops", "10"], &["'10'", "1000..=100000000"]);
}

#[test]
fn json_has_numbers_as_numbers() {
    let output = lesson_kit::conventions::run(
        LESSON,
        &[
            "--only",
            "blocking-the-runtime",
            "--size",
            "2",
            "--block-ms",
            "20",
            "--reps",
            "1",
            "--json",
        ],
    );
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.trim_start().starts_with('{'), "not JSON: {stdout}");
    assert!(
        stdout.contains("\"worst_lag_s\": 0."),
        "lags must be seconds: {stdout}"
    );
}
