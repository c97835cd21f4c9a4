//! Experiment 5, backpressure: a producer faster than its consumers.
//!
//! `queue.Queue()` and `asyncio.Queue()` are unbounded unless given a `maxsize`, and so are
//! `crossbeam_channel::unbounded()` and `std::sync::mpsc::channel()`. When the producer is faster
//! than the consumers, the backlog grows for as long as the producer runs, and every item waiting
//! holds its memory. A *bounded* queue makes `send` wait while the queue is full: the producer is
//! slowed to the consumers' pace (that is backpressure), and the backlog and the memory stay flat.
//! The consumers set the pace either way, so the bound costs no throughput.

use std::hint::black_box;
use std::thread;
use std::time::Duration;

use crossbeam_channel::TrySendError;
use lesson_kit::measure::{Runs, Sample, Variant, interleaved, measure};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::items::{count_of, expected_checksum, work};

/// Items per run at full size.
pub const ITEMS: u64 = 20_000;
/// Bytes each item carries (a line of a log, a row of an image): what makes a backlog cost memory.
pub const PAYLOAD: usize = 4096;
/// The consumers' work per item: slower than the producer makes items.
pub const COST: Duration = Duration::from_micros(10);
/// The bounded queue of the memory table.
pub const CAPACITY: usize = 16;
/// Capacities whose throughput is compared.
pub const CAPACITIES: [Option<usize>; 4] = [Some(1), Some(16), Some(256), None];

/// One item: its number and a payload that really occupies memory.
pub struct Payload {
    pub item: u64,
    pub bytes: Vec<u8>,
}

impl Payload {
    pub fn new(item: u64) -> Payload {
        // Not zeroes: zeroed memory fresh from the system is not resident until written.
        let bytes = vec![(item % 251) as u8 + 1; PAYLOAD];
        Payload { item, bytes }
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    pub consumed: u64,
    pub checksum: u64,
    /// The most items that waited in the queue at once, seen after each send.
    pub peak_backlog: usize,
    /// How often the producer found the queue full and had to wait.
    pub producer_waits: u64,
}

fn consume(payload: &Payload) -> u64 {
    black_box(&payload.bytes);
    work(payload.item, COST)
}

// ANCHOR: producer
/// One producer, `consumers` consumers; `capacity: None` is an unbounded queue.
pub fn run_pipeline(items: u64, capacity: Option<usize>, consumers: usize) -> Flow {
    let (tx, rx) = match capacity {
        Some(capacity) => crossbeam_channel::bounded(capacity),
        None => crossbeam_channel::unbounded(),
    };
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let rx = rx.clone();
                s.spawn(move || rx.iter().map(|p| (1, consume(&p))).fold((0, 0), add))
            })
            .collect();
        let (mut peak_backlog, mut producer_waits) = (0, 0);
        for item in 0..items {
            if let Err(TrySendError::Full(payload)) = tx.try_send(Payload::new(item)) {
                producer_waits += 1; // the queue is full: wait for a consumer to make room
                tx.send(payload).expect("the consumers are alive");
            }
            peak_backlog = peak_backlog.max(tx.len());
        }
        drop(tx);
        let (consumed, checksum) = handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold((0, 0), add);
        Flow {
            consumed,
            checksum,
            peak_backlog,
            producer_waits,
        }
    })
}
// ANCHOR_END: producer

fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0 + b.0, a.1.wrapping_add(b.1))
}

/// The memory the process needs without any backlog: each item made and dropped at once.
pub fn no_queue(items: u64) -> Flow {
    let checksum = (0..items).map(Payload::new).fold(0u64, |sum, p| {
        sum.wrapping_add(black_box(crate::items::mix(p.item)))
    });
    Flow {
        consumed: items,
        checksum,
        peak_backlog: 0,
        producer_waits: 0,
    }
}

/// A run of the memory table.
pub struct MemoryRun {
    pub queue: String,
    pub capacity: Option<usize>,
    pub items: u64,
    pub flow: Flow,
    pub sample: Sample,
}

/// Runs at a quarter, half and all of `items`, bounded then unbounded, each measured once for
/// its peak memory. The bounded runs go first, so that memory the allocator may keep after an
/// unbounded run cannot count against them.
pub fn measure_memory(items: u64, consumers: usize) -> (MemoryRun, Vec<MemoryRun>) {
    let (flow, sample) = measure(|| no_queue(items));
    let baseline = MemoryRun {
        queue: "no queue (baseline)".into(),
        capacity: Some(0),
        items,
        flow,
        sample,
    };
    let mut runs = Vec::new();
    for capacity in [Some(CAPACITY), None] {
        for n in [items / 4, items / 2, items] {
            let (flow, sample) = measure(|| run_pipeline(n, capacity, consumers));
            runs.push(MemoryRun {
                queue: queue_name(capacity),
                capacity,
                items: n,
                flow,
                sample,
            });
        }
    }
    (baseline, runs)
}

/// Throughput for each of [`CAPACITIES`], interleaved.
pub fn measure_capacities(items: u64, consumers: usize, reps: usize) -> Vec<Runs<Flow>> {
    let variants = CAPACITIES
        .iter()
        .map(|&capacity| {
            Variant::new(queue_name(capacity), move || {
                run_pipeline(items, capacity, consumers)
            })
        })
        .collect();
    interleaved(reps, variants)
}

/// `bounded(16)`, `unbounded`.
fn queue_name(capacity: Option<usize>) -> String {
    capacity.map_or("unbounded".into(), |c| format!("bounded({c})"))
}

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
