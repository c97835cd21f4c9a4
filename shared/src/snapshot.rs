//! Helpers for the lessons' tests that depend on timing: snapshots of a default run, and speed
//! verdicts.
//!
//! A lesson's verdict words ("close to the ideal", "no real speedup") come from measured speedups,
//! so a slow moment of the machine can flip one, and another program spinning on a core changes
//! what the machine can give at all. The tests therefore judge speed only when the machine was
//! free: they measure again (pausing between) before failing, and when every attempt found the
//! machine busy they say so, check correctness only, and pass. A real loss of speedup on a free
//! machine still fails.

use std::process::Command;
use std::time::Duration;

use crate::capacity::{BUSY_WORDS, Capacity};
use crate::report::{NOT_JUDGED_MARK, REDACT_ENV};

/// Attempts before a timing test gives its verdict.
pub const ATTEMPTS: usize = 5;

/// Free-machine attempts that must fail before a timing test fails: one could be a burst of load
/// that fell between the probes.
const QUIET_FAILURES: usize = 2;

/// Busy attempts in a row after which a timing test stops measuring: the machine stays busy.
const BUSY_IN_A_ROW: usize = 3;

/// Runs the lesson binary `bin` with `args` and measured values redacted; panics with its stderr
/// if it fails, after the lines of its output that name a failed check (marked `✗`).
pub fn redacted_output(bin: &str, args: &[&str]) -> String {
    let output = Command::new(bin)
        .args(args)
        .env(REDACT_ENV, "1")
        .output()
        .expect("the lesson runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failed: Vec<&str> = stdout.lines().filter(|l| l.contains('✗')).collect();
    assert!(
        output.status.success(),
        "the lesson failed:\n{}\n{}",
        failed.join("\n"),
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
        eprintln!(
            "measuring again (attempt {attempt}); these lines differed: {:?}",
            differing(&output, snapshot)
        );
        std::thread::sleep(Duration::from_secs(1));
        output = run();
    }
    output
}

fn differing<'a>(output: &'a str, snapshot: &str) -> Vec<&'a str> {
    output
        .lines()
        .filter(|line| !snapshot.contains(line))
        .collect()
}

/// The lesson's default run (`--workers 2`, so the snapshot reads the same on any machine),
/// redacted and re-measured until it matches `snapshot`, for `insta::assert_snapshot!`.
///
/// When the lesson reports that another program was busy, its verdict words were judged against
/// less than the cores and may differ from the snapshot. If the machine stays busy, this says so,
/// checks that no check failed and that everything but the verdict lines matches, and returns
/// `None`; likewise on a 1-core machine. Two free-machine runs that differ fail the test.
pub fn settled_default_run(bin: &str, snapshot: &str) -> Option<String> {
    let run = || redacted_output(bin, &["--workers", "2"]);
    if crate::machine::cores() < 2 {
        eprintln!("1 core: speedup verdicts differ from the snapshot; only correctness is checked");
        let output = run();
        assert!(!output.contains('✗'), "a check failed:\n{output}");
        return None;
    }
    let (mut quiet_mismatches, mut last_quiet, mut last) = (0, None, String::new());
    let mut busy_in_a_row = 0;
    for attempt in 1..=ATTEMPTS {
        let output = run();
        if snapshot.ends_with(&output) {
            return Some(output);
        }
        let busy = output.contains(BUSY_WORDS);
        if busy {
            let lines: Vec<&str> = output.lines().filter(|l| l.contains(BUSY_WORDS)).collect();
            eprintln!("attempt {attempt}: the machine was busy: {lines:?}");
            busy_in_a_row += 1;
        } else {
            busy_in_a_row = 0;
            eprintln!(
                "attempt {attempt}: the machine was free; these lines differed: {:?}",
                differing(&output, snapshot)
            );
            quiet_mismatches += 1;
            last_quiet = Some(output.clone());
            if quiet_mismatches > QUIET_FAILURES {
                break;
            }
        }
        last = output;
        if busy_in_a_row >= BUSY_IN_A_ROW {
            break;
        }
        if attempt < ATTEMPTS {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    if quiet_mismatches >= QUIET_FAILURES {
        return last_quiet;
    }
    let body = snapshot.splitn(3, "---\n").nth(2).unwrap_or(snapshot);
    if last.contains('✗') || without_verdicts(&last) != without_verdicts(body) {
        // Not a matter of speed: the text or a check differs. Let insta show it.
        return Some(last);
    }
    eprintln!(
        "the machine stayed busy: the verdicts were not judged; every check held and everything \
         else matches the snapshot"
    );
    None
}

/// The output without its busy-machine line and with every verdict masked: what must match the
/// snapshot whatever the machine's load. Every verdict judges measured numbers, so on a busy
/// machine any of them may read differently, and a verdict of other words may wrap onto more or
/// fewer lines; their number, and everything else, may not differ. A verdict starts at two
/// spaces of indent; its wrapped lines are indented further. A timing check the busy machine
/// left not judged (`?`) stands for the `✓` it is in the snapshot.
fn without_verdicts(output: &str) -> String {
    let mut kept: Vec<String> = Vec::new();
    let mut in_verdict = false;
    let mut verdict = String::new();
    let finish = |verdict: &mut String, kept: &mut Vec<String>| {
        if !verdict.is_empty() && !verdict.contains(BUSY_WORDS) {
            kept.push("  [verdict]".to_string());
        }
        verdict.clear();
    };
    for line in output.lines() {
        if in_verdict && line.starts_with("    ") {
            verdict.push_str(line);
            continue;
        }
        if in_verdict && line.starts_with("  ") {
            finish(&mut verdict, &mut kept);
            verdict.push_str(line);
            continue;
        }
        finish(&mut verdict, &mut kept);
        in_verdict = line == "Verdict";
        let line = match line.strip_prefix(&format!("  {NOT_JUDGED_MARK}")) {
            Some(rest) => format!("  ✓ {rest}"),
            None => line.to_string(),
        };
        kept.push(line.trim_end().to_string());
    }
    finish(&mut verdict, &mut kept);
    kept.join("\n").trim_end().to_string()
}

/// Judges a speed claim only when the machine was free. `attempt` measures once (asserting
/// correctness itself) and returns the capacity measured with it and whether the claim held.
/// A claim that held passes. One that failed is measured again, pausing between, up to
/// [`ATTEMPTS`] times: it fails when it failed twice on a free machine, and passes, saying so, when
/// the machine stayed busy. A claim about several threads at once cannot hold on one core: there
/// it measures once, for correctness.
pub fn judge_when_free(claim: &str, mut attempt: impl FnMut() -> (Capacity, Result<(), String>)) {
    let (mut quiet_failures, mut busy_in_a_row) = (Vec::new(), 0);
    for number in 1..=ATTEMPTS {
        let (capacity, outcome) = attempt();
        if capacity.workers > 1 && capacity.cores < 2 {
            eprintln!("{claim}: 1 core, so nothing runs in parallel; correctness checked only");
            return;
        }
        match outcome {
            Ok(()) => return,
            Err(failure) if capacity.busy() => {
                eprintln!(
                    "{claim}, attempt {number}: {failure}; but the machine was busy ({:.2} of \
                     {} cores): speed not judged",
                    capacity.obtained().unwrap_or_default(),
                    capacity.nominal()
                );
                busy_in_a_row += 1;
                if busy_in_a_row >= BUSY_IN_A_ROW {
                    break;
                }
            }
            Err(failure) => {
                eprintln!("{claim}, attempt {number}, machine free: {failure}");
                busy_in_a_row = 0;
                quiet_failures.push(failure);
                if quiet_failures.len() >= QUIET_FAILURES {
                    panic!(
                        "{claim}: failed on a free machine: {}",
                        quiet_failures.join("; ")
                    );
                }
            }
        }
        if number < ATTEMPTS {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    eprintln!(
        "{claim}: the machine stayed busy: speed not judged, correctness checked only (the \
         measurement itself asserts it)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_verdicts_and_the_busy_line_may_differ_under_load() {
        let snapshot =
            "Result\n  ✓ 10000\n\nVerdict\n  threads: close to the ideal.\n  pool won.\n";
        let busy = format!(
            "Result\n  ✓ 10000\n\nVerdict\n  This run got [varies]: {BUSY_WORDS}; ...\n  \
             threads: most of the ideal.\n  about even.\n"
        );
        assert_eq!(without_verdicts(&busy), without_verdicts(snapshot));
        let wrapped = format!(
            "Result\n  ✓ 10000\n\nVerdict\n  This run got [varies] of the 2 cores:\n    {BUSY_WORDS}; \
             ...\n  threads: most\n    of the ideal.\n  about even.\n"
        );
        assert_eq!(without_verdicts(&wrapped), without_verdicts(snapshot));
        let not_judged = busy.replace("✓ 10000", "? 10000");
        assert_eq!(without_verdicts(&not_judged), without_verdicts(snapshot));
        let other_result = snapshot.replace("10000", "9999");
        assert_ne!(without_verdicts(&other_result), without_verdicts(snapshot));
        let one_more_verdict = snapshot.replace("pool won.\n", "pool won.\n  again.\n");
        assert_ne!(
            without_verdicts(&one_more_verdict),
            without_verdicts(snapshot)
        );
    }

    fn capacity(parallel: f64) -> Capacity {
        Capacity {
            cores: 2,
            workers: 2,
            parallel: Some(parallel),
            single: Some(1.0),
            probes: 2,
            others: None,
            shown: None,
        }
    }

    #[test]
    fn a_claim_failing_on_a_free_machine_fails() {
        let failed = std::panic::catch_unwind(|| {
            judge_when_free("claim", || (capacity(1.98), Err("too slow".into())))
        });
        assert!(failed.is_err());
    }

    #[test]
    fn a_claim_is_not_judged_while_the_machine_stays_busy() {
        let mut attempts = 0;
        judge_when_free("claim", || {
            attempts += 1;
            (capacity(1.3), Err("too slow".into()))
        });
        assert_eq!(attempts, BUSY_IN_A_ROW);
    }
}
