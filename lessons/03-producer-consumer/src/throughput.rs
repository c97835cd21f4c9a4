//! Experiment 2, throughput: how many small items per second a queue moves from one producer to
//! its consumers.
//!
//! With no work per item, the [queues] themselves are timed: crossbeam's channel, std's channel
//! (behind a lock for more than one consumer), and the hand-made baseline, a `VecDeque` under a
//! `Mutex` with `Condvar`s, which is what Python's `queue.Queue` is, in two versions: notifying
//! on every put and get, and notifying only when a thread sleeps.
//!
//! The producer and the consumers contend for the queue, so the runs are summarised by their
//! median with the spread (min to max): the minimum would flatter the run where, by luck, one
//! side ran alone for a while.

use std::time::Duration;

use lesson_kit::measure::{Variant, interleaved, median};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::python_queue::Sleeps;
use crate::queues::{
    Delivery, Received, through_crossbeam, through_python_queue,
    through_python_queue_notifying_always, through_std,
};

/// Moves `items` through a queue to `consumers` consumers.
pub type Run = fn(u64, usize) -> Delivery;

/// A queue and a number of consumers, timed.
pub struct Way {
    pub name: &'static str,
    pub consumers: usize,
    pub run: Run,
}

/// The ways to time: each queue with one consumer and with `consumers` of them; the naive
/// hand-made queue, there to measure what its notifies cost, with one consumer only.
pub fn ways(consumers: usize) -> Vec<Way> {
    let mut counts = vec![1, consumers.max(1)];
    counts.dedup();
    let queues: [(&'static str, Run, &[usize]); 4] = [
        ("crossbeam::unbounded", through_crossbeam, &counts),
        ("std::mpsc::channel", through_std, &counts),
        (
            "hand-made, notify always",
            through_python_queue_notifying_always,
            &[1],
        ),
        ("hand-made, notify sleepers", through_python_queue, &counts),
    ];
    let mut ways = Vec::new();
    for (name, run, counts) in queues {
        for &consumers in counts {
            ways.push(Way {
                name,
                consumers,
                run,
            });
        }
    }
    ways
}

/// Every run of one way, summarised: the median time with the spread, and the median counts.
#[derive(Debug, Clone)]
pub struct Summary {
    pub name: String,
    pub consumers: usize,
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
    /// Every run delivered every item once.
    pub all_received: bool,
    pub sleeps: Option<Sleeps>,
}

impl Summary {
    fn of(way: &Way, deliveries: &[Delivery], items: u64) -> Summary {
        let took: Vec<Duration> = deliveries.iter().map(|d| d.took).collect();
        let median_of = |count: fn(&Sleeps) -> u64| {
            let mut counts: Vec<u64> = deliveries
                .iter()
                .flat_map(|d| d.sleeps.as_ref().map(count))
                .collect();
            counts.sort_unstable();
            counts.get(counts.len().saturating_sub(1) / 2).copied()
        };
        let sleeps = median_of(|s| s.slept)
            .zip(median_of(|s| s.notified))
            .map(|(slept, notified)| Sleeps { slept, notified });
        Summary {
            name: way.name.to_string(),
            consumers: way.consumers,
            median: median(took.clone()),
            min: took.iter().copied().min().unwrap_or_default(),
            max: took.iter().copied().max().unwrap_or_default(),
            all_received: deliveries
                .iter()
                .all(|d| d.received == Received::expected(items)),
            sleeps,
        }
    }

    /// Items per second of the median run.
    pub fn rate(&self, items: u64) -> f64 {
        items as f64 / self.median.as_secs_f64().max(1e-9)
    }
}

/// Every way, `reps` times each, interleaved (A B C, A B C, ...) so that a slow moment of the
/// machine hits all of them alike.
pub fn measure_throughput(items: u64, consumers: usize, reps: usize) -> Vec<Summary> {
    let ways = ways(consumers);
    let variants = ways
        .iter()
        .map(|w| Variant::new(w.name, move || (w.run)(items, w.consumers)))
        .collect();
    let runs = interleaved(reps, variants);
    ways.iter()
        .zip(&runs)
        .map(|(way, r)| Summary::of(way, &r.results, items))
        .collect()
}

/// The row of `summaries` for `name` with `consumers` consumers.
fn find<'a>(summaries: &'a [Summary], name: &str, consumers: usize) -> Option<&'a Summary> {
    summaries
        .iter()
        .find(|s| s.name == name && s.consumers == consumers)
}

/// Times small items through each queue with one consumer and with several.
pub fn throughput(items: u64, consumers: usize, reps: usize) -> Section {
    let mut section = Section::new("throughput", "Channel throughput").about(&format!(
        "{items} small items (u64) from one producer to {}, with no work per item, so the queue \
         itself is what is timed: crossbeam's channel, std's channel (its receiver behind a Mutex \
         for more than one consumer), and a Mutex<VecDeque> with Condvars, built by hand as \
         Python's queue.Queue is, notifying on every put and get, then only when a thread sleeps. \
         The threads start together on a Barrier; only the items are timed.",
        if consumers > 1 {
            format!("1 and to {consumers} consumers")
        } else {
            "1 consumer".to_string()
        }
    ));
    let summaries = measure_throughput(items, consumers, reps);
    section.check(
        summaries.iter().all(|s| s.all_received),
        phrase!(
            "every queue, every run: all {} items received once (count and sum checked)",
            items
        ),
    );
    section.table(
        &format!("Measured ({reps} interleaved runs each; items/s from the median)"),
        rates_table(&summaries, items),
    );
    section.table(
        "The hand-made queues (median of the runs)",
        sleeps_table(&summaries),
    );
    verdicts(&mut section, &summaries, items, consumers);
    section
}

fn rates_table(summaries: &[Summary], items: u64) -> Table {
    let reference = summaries[0].rate(items);
    let mut table = Table::new(&[
        ("queue", "queue"),
        ("consumers", "consumers"),
        ("median_s", "median"),
        ("min_s", "min"),
        ("max_s", "max"),
        ("items_per_s", "items/s"),
        ("vs_crossbeam_1", "speed vs crossbeam, 1"),
    ]);
    for s in summaries {
        table.row(vec![
            s.name.as_str().into(),
            s.consumers.into(),
            Measured::Time(s.median).into(),
            Measured::Time(s.min).into(),
            Measured::Time(s.max).into(),
            Measured::Rate(s.rate(items)).into(),
            Measured::Ratio(s.rate(items) / reference).into(),
        ]);
    }
    table
}

fn sleeps_table(summaries: &[Summary]) -> Table {
    let mut table = Table::new(&[
        ("queue", "queue"),
        ("consumers", "consumers"),
        ("notified", "notify_one calls"),
        ("slept", "threads put to sleep"),
    ]);
    for s in summaries {
        if let Some(sleeps) = s.sleeps {
            table.row(vec![
                s.name.as_str().into(),
                s.consumers.into(),
                Measured::Count(sleeps.notified).into(),
                Measured::Count(sleeps.slept).into(),
            ]);
        }
    }
    table
}

fn verdicts(section: &mut Section, summaries: &[Summary], items: u64, consumers: usize) {
    let rate = |name: &str, n: usize| find(summaries, name, n).map_or(0.0, |s| s.rate(items));
    let mut by_rate: Vec<&Summary> = summaries.iter().collect();
    by_rate.sort_by(|a, b| b.rate(items).total_cmp(&a.rate(items)));
    let (best, worst) = (by_rate[0], by_rate[by_rate.len() - 1]);
    let label = |s: &Summary| format!("{}, {}", s.name, s.consumers);
    section.verdict(phrase!(
        "Fastest by the median: {} ({}). Slowest: {} ({}).",
        Measured::Varies(label(best)),
        Measured::Rate(best.rate(items)),
        Measured::Varies(label(worst)),
        Measured::Rate(worst.rate(items))
    ));
    let (always, sleepers) = ("hand-made, notify always", "hand-made, notify sleepers");
    let sleeps = |name: &str| {
        find(summaries, name, 1)
            .and_then(|s| s.sleeps)
            .unwrap_or_default()
    };
    section.verdict(phrase!(
        "Notifying only when a thread sleeps moved {} the items per second of notifying always \
         (1 consumer), with {} notify_one calls instead of {}: std's futex Condvar makes a system \
         call for each, asleep or not. crossbeam then moved {} the items per second of the \
         hand-made queue (sleeps of its consumer: {}): what is left is a lock per item against \
         crossbeam's lock-free list, and how a consumer waits when the queue runs empty.",
        Measured::Ratio(rate(sleepers, 1) / rate(always, 1)),
        Measured::Count(sleeps(sleepers).notified),
        Measured::Count(sleeps(always).notified),
        Measured::Ratio(rate("crossbeam::unbounded", 1) / rate(sleepers, 1)),
        Measured::Count(sleeps(sleepers).slept)
    ));
    if consumers > 1 {
        let second = |name: &str| Measured::Ratio(rate(name, consumers) / rate(name, 1));
        section.verdict(phrase!(
            "{} consumers moved {} (crossbeam), {} (std, behind a Mutex) and {} (hand-made, \
             notify sleepers) the items per second of one. With no work per item there is no \
             work to share: more consumers only change how hard the queue is fought over.",
            consumers,
            second("crossbeam::unbounded"),
            second("std::mpsc::channel"),
            second(sleepers)
        ));
    }
}
