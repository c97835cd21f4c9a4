//! Bad input gets one line naming the bad value and what is allowed, and exit code 2; `--json`
//! and `--svg` give what they promise.

use lesson_kit::conventions::{assert_shared_conventions, assert_usage_error, run};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-01-threads-and-locks");

#[test]
fn the_shared_conventions_hold() {
    assert_shared_conventions(
        LESSON,
        &[
            "shared-counter",
            "spawned-threads",
            "cost-of-sharing",
            "cpu-work",
        ],
    );
}

#[test]
fn a_size_out_of_range_is_refused() {
    assert_usage_error(LESSON, &["--size", "10"], &["'10'", "1000..=100000000"]);
}

#[test]
fn json_has_numbers_as_numbers() {
    let args = [
        "--only", "cpu-work", "--size", "20000", "--reps", "1", "--json",
    ];
    let output = run(LESSON, &args);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.trim_start().starts_with('{'), "not JSON: {stdout}");
    assert!(stdout.contains("\"speedup\": "), "{stdout}");
    assert!(
        stdout.contains("\"min_s\": 0."),
        "times must be numbers of seconds: {stdout}"
    );
}

#[test]
fn svg_writes_the_figures() {
    let dir = std::env::temp_dir().join(format!("lesson-01-svg-{}", std::process::id()));
    let dir_arg = dir.to_str().expect("a UTF-8 temp dir");
    let args = [
        "--only", "cpu-work", "--size", "20000", "--reps", "1", "--svg", dir_arg,
    ];
    assert!(run(LESSON, &args).status.success());
    for figure in [
        "cpu-work-threads-timeline.svg",
        "cpu-work-gil-timeline.svg",
        "cpu-work-speedup.svg",
    ] {
        let svg =
            std::fs::read_to_string(dir.join(figure)).unwrap_or_else(|e| panic!("{figure}: {e}"));
        assert!(svg.starts_with("<svg"), "{figure}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
