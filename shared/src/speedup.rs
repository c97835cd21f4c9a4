//! Speedups judged against what this machine can give.
//!
//! "4 processes, 3.9x faster" means something on a 4-core machine and is impossible on a 2-core one.
//! So every speedup is compared with the *ideal*: with `w` workers on `c` cores at most
//! `min(w, c)` of them run at once. Efficiency is the share of that ideal actually reached.

use std::time::Duration;

use serde::Serialize;

use crate::measure::Runs;
use crate::svg::SpeedupChart;
use crate::table::Table;
use crate::value::{Measured, Phrase};

/// The most a job split across `workers` can gain on `cores` cores.
pub fn ideal_speedup(workers: usize, cores: usize) -> f64 {
    workers.min(cores).max(1) as f64
}

/// How much faster a variant ran than the baseline, and what the machine allowed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Speedup {
    /// baseline time / variant time: 2.0 means twice as fast.
    pub ratio: f64,
    /// `ideal_speedup(workers, cores)`.
    pub ideal: f64,
}

impl Speedup {
    pub fn new(baseline: Duration, variant: Duration, workers: usize, cores: usize) -> Speedup {
        let ratio = baseline.as_secs_f64() / variant.as_secs_f64().max(1e-12);
        Speedup {
            ratio,
            ideal: ideal_speedup(workers, cores),
        }
    }

    /// The share of the ideal speedup reached: 1.0 is perfect use of the cores.
    pub fn efficiency(&self) -> f64 {
        self.ratio / self.ideal
    }

    /// "scoped threads: 1.93x the speed of sequential, 97% of the 2x this machine allows:
    /// close to the ideal." Numbers are measured; the judgement words are kept in snapshots.
    pub fn verdict(&self, variant: &str, baseline: &str) -> Phrase {
        crate::phrase!(
            "{}: {} the speed of {}, {} of the {} this machine allows: {}.",
            variant,
            Measured::Ratio(self.ratio),
            baseline,
            Measured::Share(self.efficiency()),
            Measured::Machine(format!("{}x", self.ideal)),
            self.judgement().words()
        )
    }

    /// How the speedup reads in words. The bands are wide on purpose: a verdict must not change
    /// from one run to the next because the machine was a little noisy.
    pub fn judgement(&self) -> Judgement {
        if self.ratio < 0.8 {
            Judgement::Slower
        } else if self.ratio < 1.25 || self.ideal < 1.5 {
            Judgement::NoFaster
        } else if self.efficiency() >= 0.7 {
            Judgement::NearIdeal
        } else {
            Judgement::Partial
        }
    }
}

/// A speedup in words a learner understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Slower,
    NoFaster,
    Partial,
    NearIdeal,
}

impl Judgement {
    pub fn words(self) -> &'static str {
        match self {
            Judgement::Slower => "slower than the baseline",
            Judgement::NoFaster => "no real speedup",
            Judgement::Partial => "a partial speedup",
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
}

/// Compares `runs` with the first of them (one worker): min and median time, speedup of the
/// minimum, its share of the ideal for `workers` on `cores`, and CPU use. `workers_label` names
/// the workers in the table (`threads`, `workers`).
pub fn compare<T>(
    runs: &[Runs<T>],
    workers: usize,
    cores: usize,
    workers_label: &str,
    chart_title: String,
) -> Comparison {
    let baseline = runs.first().map(Runs::min_wall).unwrap_or_default();
    let mut table = Table::new(&[
        ("variant", "variant"),
        (workers_label, workers_label),
        ("min_s", "min"),
        ("median_s", "median"),
        ("speedup", "speedup"),
        ("of_ideal", "of ideal"),
        ("cpu_use", "CPU use"),
    ]);
    let mut chart = SpeedupChart {
        name: "speedup".into(),
        title: chart_title,
        bars: Vec::new(),
        ideal: ideal_speedup(workers, cores),
        caption: None,
    };
    let mut speedups = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let variant_workers = if i == 0 { 1 } else { workers };
        let speedup = Speedup::new(baseline, r.min_wall(), variant_workers, cores);
        table.row(vec![
            r.name.as_str().into(),
            variant_workers.into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(r.median_wall()).into(),
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
        assert_eq!(
            Speedup::new(ms(100), ms(52), 2, 2).judgement(),
            Judgement::NearIdeal
        );
        assert_eq!(
            Speedup::new(ms(100), ms(98), 2, 2).judgement(),
            Judgement::NoFaster
        );
        assert_eq!(
            Speedup::new(ms(100), ms(75), 2, 2).judgement(),
            Judgement::Partial
        );
        assert_eq!(
            Speedup::new(ms(100), ms(200), 2, 2).judgement(),
            Judgement::Slower
        );
        // On one core, no parallel variant can be faster; it is not "partial".
        assert_eq!(
            Speedup::new(ms(100), ms(60), 2, 1).judgement(),
            Judgement::NoFaster
        );
    }
}
