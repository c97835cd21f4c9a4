//! Bad input gets one line naming the bad value and what is allowed, and exit code 2.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lesson-04-process-pool"))
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
        &["--only", "pool"],
        &[
            "'pool'",
            "primes",
            "squares",
            "thumbnails",
            "costs",
            "crashes",
        ],
    );
}

#[test]
fn sizes_out_of_range_are_refused() {
    assert_usage_error(&["--size", "10"], &["'10'", "10000..=100000000"]);
    assert_usage_error(&["--photos", "0"], &["'0'", "1..=200"]);
}

#[test]
fn help_lists_the_experiments() {
    let output = run(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for word in [
        "primes",
        "squares",
        "thumbnails",
        "costs",
        "crashes",
        "--workers",
        "--photos",
    ] {
        assert!(help.contains(word), "--help does not mention {word}");
    }
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
