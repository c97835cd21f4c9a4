//! Checks, for a lesson's tests, that its command line keeps the conventions every lesson shares:
//! a bad value gets one line naming it and what is allowed, and exit code 2; `--help` lists the
//! experiments and the shared options.

use std::process::{Command, Output};

/// Runs the lesson binary `bin` with `args`.
pub fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .expect("the lesson runs")
}

/// `bin args` must fail with exit code 2 and one line of stderr that mentions every word.
pub fn assert_usage_error(bin: &str, args: &[&str], mentions: &[&str]) {
    let output = run(bin, args);
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

/// The conventions every lesson shares, for a lesson whose experiments are `experiments`.
pub fn assert_shared_conventions(bin: &str, experiments: &[&str]) {
    assert_usage_error(bin, &["--workers", "0"], &["'0'", "1..=256"]);
    assert_usage_error(bin, &["--reps", "0"], &["'0'", "1..=50"]);
    assert_usage_error(bin, &["--frobnicate"], &["--frobnicate"]);
    assert_usage_error(
        bin,
        &["--svg", "/proc/no-such-folder"],
        &["/proc/no-such-folder", "--svg"],
    );
    let mut unknown_experiment = vec!["'no-such-experiment'"];
    unknown_experiment.extend(experiments);
    assert_usage_error(bin, &["--only", "no-such-experiment"], &unknown_experiment);

    let output = run(bin, &["--help"]);
    assert_eq!(output.status.code(), Some(0), "--help must succeed");
    let help = String::from_utf8_lossy(&output.stdout);
    let options = [
        "--only",
        "--workers",
        "--size",
        "--reps",
        "--json",
        "--svg",
        "--record",
    ];
    for word in experiments.iter().chain(&options) {
        assert!(help.contains(word), "--help does not mention {word}");
    }
}
