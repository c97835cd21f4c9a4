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

use crate::items::work;

mod report;
pub use report::backpressure;

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
