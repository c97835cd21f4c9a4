//! Speedups judged against what this machine can give.
//!
//! "4 processes, 3.9x faster" means something on a 4-core machine and is impossible on a 2-core one.
//! So every speedup is compared with the *ideal*: with `w` workers on `c` cores at most
//! `min(w, c)` of them run at once, and fewer when another program is busy: the ideal is then
//! what the [capacity](crate::capacity) probes obtained during the run. Efficiency is the share of
//! that ideal actually reached.

use std::time::Duration;

use serde::Serialize;

use crate::capacity::{Capacity, format_ideal};
use crate::measure::Runs;
use crate::svg::SpeedupChart;
use crate::table::Table;
use crate::value::{Measured, Phrase, Segment};

/// The most a job split across `workers` can gain on `cores` cores.
pub fn ideal_speedup(workers: usize, cores: usize) -> f64 {
    workers.min(cores).max(1) as f64
}

/// How much faster a variant ran than the baseline, and what the machine allowed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Speedup {
    /// baseline time / variant time: 2.0 means twice as fast.
    pub ratio: f64,
    /// The most the machine allowed: `ideal_speedup(workers, cores)`, or less on a busy machine.
    pub ideal: f64,
}

impl Speedup {
    /// Judged against `min(workers, cores)`: the machine assumed free.
    pub fn new(baseline: Duration, variant: Duration, workers: usize, cores: usize) -> Speedup {
        Speedup::judged(
            baseline,
            variant,
            workers,
            &Capacity::assumed(workers, cores),
        )
    }

    /// Judged against what `workers` threads could get in this run, as the capacity probes
    /// measured it: `min(workers, cores)` on a free machine, less on a busy one.
    pub fn judged(
        baseline: Duration,
        variant: Duration,
        workers: usize,
        capacity: &Capacity,
    ) -> Speedup {
        let ratio = baseline.as_secs_f64() / variant.as_secs_f64().max(1e-12);
        Speedup {
            ratio,
            ideal: capacity.ideal(workers),
        }
    }

    /// The share of the ideal speedup reached: 1.0 is perfect use of the cores.
    pub fn efficiency(&self) -> f64 {
        self.ratio / self.ideal
    }

    /// "scoped threads: 1.93x the speed of sequential, 97% of the 2x this machine allows:
    /// close to the ideal." Numbers are measured; the judgement words are kept in snapshots.
    pub fn verdict(&self, variant: &str, baseline: &str) -> Phrase {
        self.verdict_in_words(variant, baseline, self.judgement().words().into())
    }

    /// As [`Speedup::verdict`], for a variant that reaches about 90% of the ideal in some builds:
    /// from 70% up, "most of the ideal" and "close to the ideal" are run-dependent words that
    /// snapshots redact. Below 70% the words stay exact, so a real loss still shows.
    pub fn verdict_near_90_percent(&self, variant: &str, baseline: &str) -> Phrase {
        let words = self.judgement().words().to_string();
        let words = match self.judgement() {
            Judgement::MostOfIdeal | Judgement::NearIdeal => Measured::Varies(words).into(),
            _ => words.into(),
        };
        self.verdict_in_words(variant, baseline, words)
    }

    /// As [`Speedup::verdict`], for a variant built to gain nothing (a lock held through the work,
    /// a GIL): such a variant runs at about the baseline's speed, sometimes a little under 0.8x
    /// when taking turns costs extra, so "slower than the baseline" and "no real speedup" flip
    /// from run to run. Both are one fact, "no real speedup", which is true across both bands.
    /// A real gain still reads as one, so a variant that stopped taking turns shows.
    pub fn verdict_no_gain_expected(&self, variant: &str, baseline: &str) -> Phrase {
        let words = match self.judgement() {
            Judgement::Slower => Judgement::NoFaster.words(),
            other => other.words(),
        };
        self.verdict_in_words(variant, baseline, words.into())
    }

    fn verdict_in_words(&self, variant: &str, baseline: &str, words: Segment) -> Phrase {
        crate::phrase!(
            "{}: {} the speed of {}, {} of the {} this machine allows: {}.",
            variant,
            Measured::Ratio(self.ratio),
            baseline,
            Measured::Share(self.efficiency()),
            Measured::Machine(format_ideal(self.ideal)),
            words
        )
    }

    /// How the speedup reads in words. Each band's words are true across the whole band, and the
    /// bands are wide: a verdict must not change from one run to the next because the machine was
    /// a little noisy. "No real speedup" is under 1.25x (less when the ideal itself is under 2x);
    /// where the ideal is about 1x (one core), there is nothing else to say.
    pub fn judgement(&self) -> Judgement {
        let real_gain = 1.0 + 0.25 * (self.ideal - 1.0).min(1.0);
        if self.ratio < 0.8 {
            Judgement::Slower
        } else if self.ideal < 1.25 || self.ratio < real_gain {
            Judgement::NoFaster
        } else if self.efficiency() >= 0.9 {
            Judgement::NearIdeal
        } else if self.efficiency() >= 0.7 {
            Judgement::MostOfIdeal
        } else {
            Judgement::Partial
        }
    }
}

/// A speedup in words a learner understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// Under 0.8x.
    Slower,
    /// Under 1.25x (on a free machine with 2 or more cores).
    NoFaster,
    /// A real gain, but under 70% of the ideal.
    Partial,
    /// 70% to 90% of the ideal.
    MostOfIdeal,
    /// 90% of the ideal or more.
    NearIdeal,
}

impl Judgement {
    pub const ALL: [Judgement; 5] = [
        Judgement::Slower,
        Judgement::NoFaster,
        Judgement::Partial,
        Judgement::MostOfIdeal,
        Judgement::NearIdeal,
    ];

    pub fn words(self) -> &'static str {
        match self {
            Judgement::Slower => "slower than the baseline",
            Judgement::NoFaster => "no real speedup",
            Judgement::Partial => "a partial speedup",
            Judgement::MostOfIdeal => "most of the ideal",
            Judgement::NearIdeal => "close to the ideal",
        }
    }
}

/// Parallel variants against a baseline run on one worker: the table, the chart, and each
/// variant's speedup for the lesson's own verdicts.
pub struct Comparison {
    pub table: Table,
    pub chart: SpeedupChart,
    /// One per run, in order; the first (the baseline) is 1x.
    pub speedups: Vec<Speedup>,
    /// The capacity the speedups were judged against: the one measured with the runs, raised to
    /// the best speedup if a variant showed more cores than the probes saw. The report's
    /// capacity line must show this one.
    pub capacity: Capacity,
}

impl Comparison {
    /// The table's caption: how many runs, and which statistic each speedup divides.
    pub fn caption(reps: usize) -> String {
        format!(
            "Measured ({reps} interleaved runs each; speedup = one worker's minimum / each \
             variant's median)"
        )
    }
}

// ANCHOR: compare
/// Compares `runs` with the first of them (one worker). The baseline is deterministic work on
/// one thread, where noise only adds time: it stands by its minimum. The parallel variants
/// share the cores, and scheduling luck can also *remove* time from one of their runs: they
/// stand by their median, with the spread (min and max) beside it. The speedup is the one over
/// the other, judged against the ideal for `workers` in the `capacity` measured with the runs,
/// which is never below the best speedup: a variant that ran 1.9x as fast as one thread had 1.9
/// cores, whatever the probes saw. `workers_label` names the workers in the table (`threads`,
/// `workers`).
pub fn compare<T>(
    runs: &[Runs<T>],
    workers: usize,
    capacity: &Capacity,
    workers_label: &str,
    chart_title: String,
) -> Comparison {
    let cores = capacity.cores;
    let baseline = runs.first().map(Runs::min_wall).unwrap_or_default();
    let time = |i: usize, r: &Runs<T>| if i == 0 { baseline } else { r.median_wall() };
    let best = runs
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, r)| baseline.as_secs_f64() / time(i, r).as_secs_f64().max(1e-12));
    let capacity = capacity.at_least(best.fold(0.0, f64::max));
    // ANCHOR_END: compare
    let mut table = Table::new(&[
        ("variant", "variant"),
        (workers_label, workers_label),
        ("median_s", "median"),
        ("min_s", "min"),
        ("max_s", "max"),
        ("speedup", "speedup"),
        ("of_ideal", "of ideal"),
        ("cpu_use", "CPU use"),
    ]);
    let mut chart = SpeedupChart {
        name: "speedup".into(),
        title: chart_title,
        bars: Vec::new(),
        ideal: capacity.ideal(workers),
        caption: None,
    };
    let mut speedups = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let variant_workers = if i == 0 { 1 } else { workers };
        let speedup = Speedup::judged(baseline, time(i, r), variant_workers, &capacity);
        table.row(vec![
            r.name.as_str().into(),
            variant_workers.into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(r.max_wall()).into(),
            Measured::Ratio(speedup.ratio).into(),
            Measured::Share(speedup.efficiency()).into(),
            Measured::Share(r.median_cpu_utilisation(cores)).into(),
        ]);
        chart.bars.push((r.name.clone(), speedup.ratio));
        speedups.push(speedup);
    }
    Comparison {
        table,
        chart,
        speedups,
        capacity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ideal_is_capped_by_the_cores() {
        assert_eq!(ideal_speedup(4, 2), 2.0);
        assert_eq!(ideal_speedup(1, 8), 1.0);
        assert_eq!(ideal_speedup(0, 8), 1.0);
    }

    #[test]
    fn judgements_follow_the_ideal() {
        let ms = Duration::from_millis;
        let judged = |variant: u64, cores: usize| Speedup::new(ms(100), ms(variant), 2, cores);
        assert_eq!(judged(52, 2).judgement(), Judgement::NearIdeal);
        assert_eq!(judged(98, 2).judgement(), Judgement::NoFaster);
        assert_eq!(judged(75, 2).judgement(), Judgement::Partial);
        assert_eq!(judged(200, 2).judgement(), Judgement::Slower);
        // On one core, no parallel variant can be faster; it is not "partial".
        assert_eq!(judged(60, 1).judgement(), Judgement::NoFaster);
    }

    #[test]
    fn close_to_the_ideal_only_from_90_percent() {
        let ms = Duration::from_millis;
        let judged = |variant: u64| Speedup::new(ms(100), ms(variant), 2, 2).judgement();
        assert_eq!(judged(55), Judgement::NearIdeal); // 1.82x: 91%
        assert_eq!(judged(57), Judgement::MostOfIdeal); // 1.75x: 88%
        assert_eq!(judged(68), Judgement::MostOfIdeal); // 1.47x: 74%, the thumbnails' case
        assert_eq!(judged(73), Judgement::Partial); // 1.37x: 68%
        assert_eq!(judged(81), Judgement::NoFaster); // 1.23x
    }

    #[test]
    fn near_90_percent_only_the_upper_words_vary() {
        let ms = Duration::from_millis;
        let words = |variant: u64| {
            let verdict =
                Speedup::new(ms(100), ms(variant), 2, 2).verdict_near_90_percent("v", "b");
            verdict.render(true)
        };
        assert!(words(55).ends_with(": [varies]."), "{}", words(55));
        assert!(words(57).ends_with(": [varies]."), "{}", words(57));
        assert!(words(73).ends_with(": a partial speedup."), "{}", words(73));
    }

    #[test]
    fn no_gain_expected_reads_the_same_slower_or_even() {
        let ms = Duration::from_millis;
        let words = |variant: u64| {
            let verdict =
                Speedup::new(ms(100), ms(variant), 2, 2).verdict_no_gain_expected("v", "b");
            verdict.render(true)
        };
        assert!(words(140).ends_with(": no real speedup."), "{}", words(140));
        assert!(words(100).ends_with(": no real speedup."), "{}", words(100));
        assert!(
            words(52).ends_with(": close to the ideal."),
            "{}",
            words(52)
        );
    }

    fn runs(name: &str, walls_ms: &[u64]) -> Runs<u64> {
        let sample = |ms: &u64| crate::measure::Sample {
            wall: Duration::from_millis(*ms),
            cpu: Duration::from_millis(*ms),
            peak_rss_bytes: None,
        };
        Runs {
            name: name.into(),
            samples: walls_ms.iter().map(sample).collect(),
            results: vec![0; walls_ms.len()],
        }
    }

    #[test]
    fn the_baseline_stands_by_its_minimum_and_parallel_variants_by_their_median() {
        // One lucky parallel run (40 ms) must not make a 1.3x variant look like 2.5x.
        let measured = [runs("one", &[100, 130, 120]), runs("two", &[40, 77, 90])];
        let comparison = compare(
            &measured,
            2,
            &Capacity::assumed(2, 2),
            "threads",
            "t".into(),
        );
        assert_eq!(comparison.speedups[0].ratio, 1.0);
        assert!((comparison.speedups[1].ratio - 100.0 / 77.0).abs() < 1e-9);
        let row = comparison.table.to_json();
        let text = serde_json::to_string(&row).unwrap();
        assert!(
            text.contains("\"max_s\":0.09"),
            "the spread is shown: {text}"
        );
    }

    #[test]
    fn a_speedup_the_probes_did_not_see_raises_the_capacity() {
        // The probes saw 1.38 of 2 cores; the threads ran 1.9x as fast as one: they had 1.9.
        let probed = Capacity {
            cores: 2,
            workers: 2,
            parallel: Some(1.38),
            single: Some(1.0),
            probes: 12,
            others: Some(0.03),
            shown: None,
        };
        let measured = [runs("one", &[190, 200, 210]), runs("two", &[95, 100, 104])];
        let comparison = compare(&measured, 2, &probed, "threads", "t".into());
        assert!(!comparison.capacity.busy(), "{:?}", comparison.capacity);
        assert_eq!(comparison.speedups[1].ideal, 2.0);
        assert!(comparison.speedups[1].efficiency() <= 1.05);
        // On a really busy machine a variant never reads more than 100% of its ideal either.
        let busy = Capacity {
            parallel: Some(1.0),
            others: Some(1.0),
            ..probed
        };
        let comparison = compare(&measured, 2, &busy, "threads", "t".into());
        assert!(comparison.speedups[1].efficiency() <= 1.0 + 1e-9);
    }

    #[test]
    fn on_a_busy_machine_the_ideal_is_what_the_run_got() {
        let ms = Duration::from_millis;
        let busy = Capacity {
            cores: 2,
            workers: 2,
            parallel: Some(1.33),
            single: Some(1.0),
            probes: 12,
            others: None,
            shown: None,
        };
        let threads = Speedup::judged(ms(100), ms(76), 2, &busy);
        assert!((threads.ideal - 1.33).abs() < 1e-9);
        assert_eq!(threads.judgement(), Judgement::NearIdeal);
        assert!(
            threads
                .verdict("t", "one")
                .render(false)
                .contains("of the 1.33x")
        );
        // A GIL that takes turns stays "no real speedup" against a lowered ideal too.
        let gil = Speedup::judged(ms(100), ms(99), 2, &busy);
        assert_eq!(gil.judgement(), Judgement::NoFaster);
    }
}
