//! Bad input gets one line naming the bad value and what is allowed, and exit code 2.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-01-threads-and-locks"))
        .args(args)
        .output()
        .expect("the lesson runs")
}

fn assert_usage_error(args: &[&str], mentions: &[&str]) {
    let output = run(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: not one line:\n{stderr}"
    );
    for word in mentions {
        assert!(
            stderr.contains(word),
            "{args:?}: {stderr:?} does not mention {word:?}"
        );
    }
}

#[test]
fn zero_workers_is_refused() {
    assert_usage_error(&["--workers", "0"], &["'0'", "1..=256"]);
}

#[test]
fn an_unknown_experiment_lists_the_known_ones() {
    assert_usage_error(
        &["--only", "gil"],
        &["'gil'", "shared-counter", "cost-of-sharing", "cpu-work"],
    );
}

#[test]
fn a_size_out_of_range_is_refused() {
    assert_usage_error(&["--size", "10"], &["'10'", "1000..=100000000"]);
}

#[test]
fn an_unwritable_svg_folder_is_refused() {
    assert_usage_error(
        &["--svg", "/proc/no-such-folder"],
        &["/proc/no-such-folder", "--svg"],
    );
}

#[test]
fn an_unknown_option_is_refused() {
    assert_usage_error(&["--frobnicate"], &["--frobnicate"]);
}

#[test]
fn help_lists_the_experiments() {
    let output = run(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for experiment in [
        "shared-counter",
        "cost-of-sharing",
        "cpu-work",
        "--workers",
        "--json",
        "--svg",
    ] {
        assert!(
            help.contains(experiment),
            "--help does not mention {experiment}"
        );
    }
}

#[test]
fn json_has_numbers_as_numbers() {
    let output = run(&[
        "--only", "cpu-work", "--size", "20000", "--reps", "1", "--json",
    ]);
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
    let output = run(&[
        "--only",
        "cpu-work",
        "--size",
        "20000",
        "--reps",
        "1",
        "--svg",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success());
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
