//! Experiment 5's report: memory against the items, throughput against the capacity, judged.

use lesson_kit::measure::{Runs, Sample};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use super::{CAPACITIES, CAPACITY, COST, Flow, ITEMS, PAYLOAD, measure_capacities, measure_memory};
use crate::items::{count_of, expected_checksum};

fn above(sample: &Sample, baseline: &Sample) -> u64 {
    let peak = |s: &Sample| s.peak_rss_bytes.unwrap_or(0);
    peak(sample).saturating_sub(peak(baseline))
}

/// Shows the backlog and memory of an unbounded queue growing with the items, a bounded one
/// staying flat, and the throughput for several capacities.
pub fn backpressure(consumers: usize, reps: usize) -> Section {
    let mut section = Section::new("backpressure", "Backpressure").about(&format!(
        "A producer makes items of {} KiB faster than {} can take them ({} of \
         work each). Unbounded, the backlog grows; bounded, send() waits while the queue is full. \
         Peak memory is measured per run, against a baseline run with no queue.",
        PAYLOAD / 1024,
        count_of(consumers, "consumer"),
        lesson_kit::value::format_duration(COST)
    ));
    let (baseline, runs) = measure_memory(ITEMS, consumers);
    let capacity_runs = measure_capacities(ITEMS / 4, consumers, reps);

    let all_flows = runs.iter().map(|r| (r.items, r.flow)).chain(
        capacity_runs
            .iter()
            .flat_map(|r| r.results.iter().map(|f| (ITEMS / 4, *f))),
    );
    let all_correct = all_flows
        .clone()
        .all(|(n, f)| f.consumed == n && f.checksum == expected_checksum(n));
    section.check(
        all_correct,
        phrase!("every run: every item consumed exactly once (count and checksum checked)"),
    );
    let bounded_held = runs
        .iter()
        .map(|r| (r.capacity, r.flow.peak_backlog))
        .chain(
            capacity_runs
                .iter()
                .zip(CAPACITIES)
                .flat_map(|(r, c)| r.results.iter().map(move |f| (c, f.peak_backlog))),
        )
        .all(|(capacity, peak)| capacity.is_none_or(|c| peak <= c));
    section.check(
        bounded_held,
        phrase!("every bounded run: the backlog never exceeded the capacity"),
    );

    let mut table = Table::new(&[
        ("queue", "queue"),
        ("items", "items"),
        ("peak_backlog", "peak backlog"),
        ("peak_rss_bytes", "peak memory"),
        ("above_baseline_bytes", "above baseline"),
        ("producer_waits", "producer waited"),
        ("items_per_s", "items/s"),
    ]);
    table.row(vec![
        baseline.queue.as_str().into(),
        baseline.items.into(),
        0u64.into(),
        Measured::Bytes(baseline.sample.peak_rss_bytes.unwrap_or(0)).into(),
        Measured::Bytes(0).into(),
        "-".into(),
        "-".into(),
    ]);
    for r in &runs {
        table.row(vec![
            r.queue.as_str().into(),
            r.items.into(),
            Measured::Count(r.flow.peak_backlog as u64).into(),
            Measured::Bytes(r.sample.peak_rss_bytes.unwrap_or(0)).into(),
            Measured::Bytes(above(&r.sample, &baseline.sample)).into(),
            Measured::Count(r.flow.producer_waits).into(),
            Measured::Rate(r.items as f64 / r.sample.wall.as_secs_f64().max(1e-9)).into(),
        ]);
    }
    section.table(
        "Backlog and memory (one run each; peak memory of the whole process)",
        table,
    );

    let mut capacities = Table::new(&[
        ("queue", "queue"),
        ("median_s", "median"),
        ("min_s", "min"),
        ("max_s", "max"),
        ("items_per_s", "items/s"),
        ("peak_backlog", "peak backlog"),
        ("producer_waits", "producer waited"),
    ]);
    // The producer and the consumers run at once: the median run, with the spread beside it.
    let rate = |r: &Runs<Flow>| (ITEMS / 4) as f64 / r.median_wall().as_secs_f64().max(1e-9);
    for r in &capacity_runs {
        let last = r.results.last().copied();
        let slowest = r.samples.iter().map(|s| s.wall).max().unwrap_or_default();
        capacities.row(vec![
            r.name.as_str().into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(slowest).into(),
            Measured::Rate(rate(r)).into(),
            Measured::Count(last.map_or(0, |f| f.peak_backlog as u64)).into(),
            Measured::Count(last.map_or(0, |f| f.producer_waits)).into(),
        ]);
    }
    section.table(
        &format!(
            "Throughput by capacity ({} items, {reps} interleaved runs each; items/s from the median; \
             last run's backlog)",
            ITEMS / 4
        ),
        capacities,
    );

    let of = |capacity: Option<usize>, n: u64| {
        runs.iter()
            .find(|r| r.capacity == capacity && r.items == n)
            .expect("every size was run")
    };
    let (small, full) = (of(None, ITEMS / 4), of(None, ITEMS));
    section.verdict(phrase!(
        "Unbounded: the backlog reached {} of the {} items, and memory rose {} above the baseline \
         at {} items and {} at {}: it grows with the number of items.",
        Measured::Share(full.flow.peak_backlog as f64 / ITEMS as f64),
        ITEMS,
        Measured::Bytes(above(&small.sample, &baseline.sample)),
        ITEMS / 4,
        Measured::Bytes(above(&full.sample, &baseline.sample)),
        ITEMS
    ));
    let bounded_full = of(Some(CAPACITY), ITEMS);
    let bounded_worst = runs
        .iter()
        .filter(|r| r.capacity == Some(CAPACITY))
        .map(|r| above(&r.sample, &baseline.sample))
        .max()
        .unwrap_or(0);
    section.verdict(phrase!(
        "Bounded({}): at most {} items waiting and at most {} above the baseline, whatever the \
         number of items; the producer waited for room {} times in the full run.",
        CAPACITY,
        CAPACITY,
        Measured::Bytes(bounded_worst),
        Measured::Count(bounded_full.flow.producer_waits)
    ));
    // CAPACITIES: 1, 16, 256, unbounded.
    let rates: Vec<f64> = capacity_runs.iter().map(rate).collect();
    section.verdict(phrase!(
        "Items per second: bounded(1) {}, bounded(16) {}, bounded(256) {}, unbounded {}. \
         Unbounded moved {} the items per second of bounded(16), and needed {} more memory at \
         {} items: the consumers set the pace, the extra room mostly holds memory.",
        Measured::Rate(rates[0]),
        Measured::Rate(rates[1]),
        Measured::Rate(rates[2]),
        Measured::Rate(rates[3]),
        Measured::Ratio(rates[3] / rates[1]),
        Measured::Bytes(
            above(&full.sample, &baseline.sample)
                .saturating_sub(above(&bounded_full.sample, &baseline.sample))
        ),
        ITEMS
    ));
    section
}
