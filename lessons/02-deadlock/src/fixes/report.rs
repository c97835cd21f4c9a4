//! Experiment 2's measurement and report: every fix timed on the same transfers, ranked by the
//! median run, with the spread beside it.

use lesson_kit::measure::{Runs, Variant, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use super::{ACCOUNTS, FIXES, Outcome, expected_accounts};

/// Every fix, timed `reps` times, interleaved.
pub fn measure_fixes(total: u64, workers: usize, reps: usize) -> Vec<Runs<Outcome>> {
    let variants = FIXES
        .iter()
        .map(|&(name, fix)| Variant::new(name, move || fix(total, workers)))
        .collect();
    interleaved(reps, variants)
}

/// Times the four fixes on the same transfers, checks that each moved every coin, and reports
/// whether the watchdog saw any deadlock or livelock.
pub fn the_fixes(total: u64, workers: usize, reps: usize) -> Section {
    let mut section = Section::new("fixes", "Four fixes, under the same load").about(&format!(
        "Worker threads move money between {ACCOUNTS} accounts in random pairs, in both \
         directions: experiment 1's pattern, thousands of times. Each fix makes the same \
         transfers under the watchdog: one global lock order, try_lock_for with back-off, one \
         coarse lock for all accounts, and one owner thread fed over a channel."
    ));
    let runs = measure_fixes(total, workers, reps);
    let expected = expected_accounts(total, workers);
    let all_right = runs
        .iter()
        .all(|r| r.results.iter().all(|o| o.accounts == expected));
    section.check(
        all_right,
        phrase!(
            "all 4 fixes made all {} transfers on {} threads and ended with the same balance in \
             every account, in every run",
            total,
            workers
        ),
    );
    let count = |r: &Runs<Outcome>, deadlock: bool| {
        r.results
            .iter()
            .filter(|o| {
                o.stuck
                    .as_ref()
                    .is_some_and(|s| s.is_deadlock() == deadlock)
            })
            .count() as u64
    };
    let stuck_runs: u64 = runs.iter().map(|r| count(r, true) + count(r, false)).sum();
    section.check(
        stuck_runs == 0,
        phrase!(
            "the watchdog saw no deadlock and no livelock in any of the {} runs",
            runs.len() * reps
        ),
    );
    for stuck in runs
        .iter()
        .flat_map(|r| r.results.iter().filter_map(|o| o.stuck.as_ref()))
        .take(1)
    {
        section.listing("What the watchdog reported:", &stuck.lines().join("\n"));
    }

    // Contended variants: the median run, with the spread beside it. A lucky run in which one
    // worker had the locks to itself would flatter the minimum.
    let throughput = |r: &Runs<Outcome>| total as f64 / r.median_wall().as_secs_f64().max(1e-9);
    let baseline = throughput(&runs[0]);
    let mut table = Table::new(&[
        ("fix", "fix"),
        ("median_s", "median"),
        ("fastest_s", "fastest"),
        ("slowest_s", "slowest"),
        ("transfers_per_s", "throughput"),
        ("vs_lock_order", "vs lock order"),
        ("retries_per_run", "retries per run"),
        ("deadlocks", "deadlocks"),
        ("livelocks", "livelocks"),
    ]);
    for r in &runs {
        let retries = r.results.iter().map(|o| o.retries).sum::<u64>() / reps.max(1) as u64;
        table.row(vec![
            r.name.as_str().into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(slowest(r)).into(),
            Measured::Rate(throughput(r)).into(),
            Measured::Ratio(throughput(r) / baseline).into(),
            Measured::Count(retries).into(),
            count(r, true).into(),
            count(r, false).into(),
        ]);
    }
    section.table(
        &format!(
            "Measured ({reps} interleaved runs each, workers started together on a barrier; \
             throughput from the median run)"
        ),
        table,
    );
    let by_speed = by_median(&runs);
    let order: Vec<&str> = by_speed.iter().map(|r| r.name.as_str()).collect();
    section.verdict(phrase!(
        "Highest throughput first, by the median run: {}. {}",
        Measured::Varies(order.join(", ")),
        Measured::Varies(clear_lead(by_speed[0], by_speed[1]))
    ));
    let back_off_retries = runs[1].results.iter().map(|o| o.retries).sum::<u64>();
    section.verdict(phrase!(
        "Back-off let go of its first lock and started again {} times per 1000 transfers: each \
         time the second lock was not free within 100 µs, perhaps held by a thread that waited \
         for the first.",
        Measured::Count(back_off_retries * 1000 / (total * reps.max(1) as u64).max(1))
    ));
    section.verdict(
        "Every fix removes the cycle, not the waiting: the lock order makes a cycle impossible, \
         back-off breaks it, one lock or one owner leaves nothing to form it with.",
    );
    section
}

/// The fixes, fastest first by their median run. Not by the fastest run: under contention a
/// lucky run, one worker with the locks to itself, says nothing about what a fix usually costs.
fn by_median<T>(runs: &[Runs<T>]) -> Vec<&Runs<T>> {
    let mut order: Vec<&Runs<T>> = runs.iter().collect();
    order.sort_by_key(|r| r.median_wall());
    order
}

/// The slowest run of a fix: with the fastest, the spread of its runs.
fn slowest<T>(runs: &Runs<T>) -> std::time::Duration {
    runs.samples
        .iter()
        .map(|s| s.wall)
        .max()
        .unwrap_or_default()
}

/// Whether the fastest fix was ahead in every run, or only typically: a ranking is only as firm
/// as the spreads allow.
fn clear_lead<T>(first: &Runs<T>, second: &Runs<T>) -> String {
    if slowest(first) < second.min_wall() {
        format!(
            "{} was faster than {} in every run.",
            first.name, second.name
        )
    } else {
        format!(
            "The spreads of {} and {} overlap: neither was faster in every run.",
            first.name, second.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lesson_kit::measure::Sample;
    use std::time::Duration;

    fn runs_of(name: &str, millis: &[u64]) -> Runs<()> {
        let sample = |ms: &u64| Sample {
            wall: Duration::from_millis(*ms),
            cpu: Duration::ZERO,
            peak_rss_bytes: None,
        };
        Runs {
            name: name.into(),
            samples: millis.iter().map(sample).collect(),
            results: vec![(); millis.len()],
        }
    }

    #[test]
    fn a_lucky_fastest_run_does_not_win_and_a_lead_is_claimed_only_without_overlap() {
        let runs = [
            runs_of("lucky", &[10, 90, 95]),
            runs_of("steady", &[30, 31, 29]),
        ];
        let order: Vec<&str> = by_median(&runs).iter().map(|r| r.name.as_str()).collect();
        assert_eq!(order, ["steady", "lucky"]);
        assert!(clear_lead(&runs[1], &runs[0]).starts_with("The spreads"));
        let apart = [runs_of("a", &[10, 12]), runs_of("b", &[20, 25])];
        assert!(clear_lead(&apart[0], &apart[1]).contains("in every run"));
    }
}
