//! Helpers for the lessons' snapshot tests: run a lesson with its measured numbers redacted, and
//! re-measure before failing when the output still depends on timing.
//!
//! A lesson's verdict words ("close to the ideal", "no real speedup") come from measured speedups,
//! so a slow moment of the machine can flip one. The snapshot keeps those words on purpose; the
//! test therefore runs the lesson again (pausing between) before it lets insta fail.

use std::process::Command;
use std::time::Duration;

use crate::report::REDACT_ENV;

/// Runs the lesson binary `bin` with `args` and measured values redacted; panics with its stderr
/// if it fails.
pub fn redacted_output(bin: &str, args: &[&str]) -> String {
    let output = Command::new(bin)
        .args(args)
        .env(REDACT_ENV, "1")
        .output()
        .expect("the lesson runs");
    assert!(
        output.status.success(),
        "the lesson failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs `run` until its output is the body of `snapshot` (the committed `.snap` file's text), at
/// most `attempts` times, pausing a second between; returns the last output for insta to judge.
pub fn settled_output(snapshot: &str, attempts: usize, mut run: impl FnMut() -> String) -> String {
    let mut output = run();
    for attempt in 2..=attempts {
        if snapshot.ends_with(&output) {
            break;
        }
        let differing: Vec<&str> = output
            .lines()
            .filter(|line| !snapshot.contains(line))
            .collect();
        eprintln!("measuring again (attempt {attempt}); these lines differed: {differing:?}");
        std::thread::sleep(Duration::from_secs(1));
        output = run();
    }
    output
}

/// The lesson's default run (`--workers 2`, so the snapshot reads the same on any machine),
/// redacted and re-measured until it matches `snapshot`, for `insta::assert_snapshot!`. On a
/// 1-core machine the speedup verdicts cannot match; it says so, checks that no check failed,
/// and returns `None`.
pub fn settled_default_run(bin: &str, snapshot: &str) -> Option<String> {
    let run = || redacted_output(bin, &["--workers", "2"]);
    if crate::machine::cores() < 2 {
        eprintln!("1 core: speedup verdicts differ from the snapshot; only correctness is checked");
        let output = run();
        assert!(!output.contains('✗'), "a check failed:\n{output}");
        return None;
    }
    Some(settled_output(snapshot, 5, run))
}
