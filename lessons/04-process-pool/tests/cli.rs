//! Bad input gets one line naming the bad value and what is allowed, and exit code 2.

use lesson_kit::conventions::{assert_shared_conventions, assert_usage_error};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-04-process-pool");

fn run(args: &[&str]) -> std::process::Output {
    lesson_kit::conventions::run(LESSON, args)
}

#[test]
fn the_shared_conventions_hold() {
    assert_shared_conventions(
        LESSON,
        &[
            "primes",
            "squares",
            "thumbnails",
            "costs",
            "shared",
            "crashes",
        ],
    );
}

#[test]
fn sizes_out_of_range_are_refused() {
    assert_usage_error(LESSON, &["--size", "10"], &["'10'", "10000..=100000000"]);
    assert_usage_error(LESSON, &["--photos", "0"], &["'0'", "1..=200"]);
}

#[test]
fn help_lists_the_photos_option() {
    let help = String::from_utf8_lossy(&run(&["--help"]).stdout).to_string();
    assert!(
        help.contains("--photos"),
        "--help does not mention --photos"
    );
}

#[test]
fn json_has_numbers_as_numbers() {
    let output = run(&["--only", "crashes", "--json"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.trim_start().starts_with('{'), "not JSON: {stdout}");
    assert!(stdout.contains("\"attempts\": 2"), "{stdout}");
}

#[test]
fn svg_writes_the_figures() {
    let dir = std::env::temp_dir().join(format!("lesson-04-svg-{}", std::process::id()));
    let output = run(&[
        "--only",
        "primes",
        "--size",
        "20000",
        "--reps",
        "1",
        "--svg",
        dir.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for figure in [
        "primes-speedup.svg",
        "primes-pool-timeline.svg",
        "primes-gil-timeline.svg",
    ] {
        let svg =
            std::fs::read_to_string(dir.join(figure)).unwrap_or_else(|e| panic!("{figure}: {e}"));
        assert!(svg.starts_with("<svg"), "{figure}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
