//! Experiment 2, throughput: how many small items per second a queue moves from one producer to
//! its consumers.
//!
//! With no work per item, the queue itself is what is timed: crossbeam's channel, std's channel
//! (behind a lock for more than one consumer), and the hand-made baseline, a `VecDeque` under a
//! `Mutex` with a `Condvar`, which is what Python's `queue.Queue` is.

use std::sync::{Mutex, mpsc};
use std::thread;

use lesson_kit::measure::{Runs, Variant, agreed_result, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::python_queue::PythonQueue;

/// What the consumers received, added up: every run must receive every item once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub count: u64,
    pub sum: u64,
}

impl Received {
    /// What `0..items` adds up to.
    pub fn expected(items: u64) -> Received {
        Received {
            count: items,
            sum: items * items.saturating_sub(1) / 2,
        }
    }

    fn add(self, other: Received) -> Received {
        Received {
            count: self.count + other.count,
            sum: self.sum.wrapping_add(other.sum),
        }
    }

    fn item(self, item: u64) -> Received {
        self.add(Received {
            count: 1,
            sum: item,
        })
    }
}

const NOTHING: Received = Received { count: 0, sum: 0 };

/// crossbeam's unbounded channel; each consumer holds a clone of the receiver.
pub fn through_crossbeam(items: u64, consumers: usize) -> Received {
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let rx = rx.clone();
                s.spawn(move || rx.iter().fold(NOTHING, Received::item))
            })
            .collect();
        for item in 0..items {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx);
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold(NOTHING, Received::add)
    })
}

/// std's channel: its one receiver, or for several consumers the receiver behind a Mutex.
pub fn through_std(items: u64, consumers: usize) -> Received {
    let (tx, rx) = mpsc::channel();
    if consumers == 1 {
        return thread::scope(|s| {
            let consumer = s.spawn(move || rx.iter().fold(NOTHING, Received::item));
            for item in 0..items {
                tx.send(item).expect("the consumer is alive");
            }
            drop(tx);
            consumer.join().unwrap()
        });
    }
    let rx = Mutex::new(rx);
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let rx = &rx;
                s.spawn(move || {
                    let mut received = NOTHING;
                    loop {
                        let next = rx.lock().unwrap().recv();
                        let Ok(item) = next else { break };
                        received = received.item(item);
                    }
                    received
                })
            })
            .collect();
        for item in 0..items {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx);
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold(NOTHING, Received::add)
    })
}

// ANCHOR: python_queue
/// The hand-made baseline, used as in Python: `None` is the poison pill, one per consumer.
pub fn through_python_queue(items: u64, consumers: usize) -> Received {
    let queue = PythonQueue::new(0);
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                s.spawn(|| {
                    let mut received = NOTHING;
                    while let Ok(Some(item)) = queue.get() {
                        received = received.item(item);
                    }
                    received
                })
            })
            .collect();
        for item in 0..items {
            queue.put(Some(item)).expect("never shut down");
        }
        for _ in 0..consumers {
            queue.put(None).expect("never shut down");
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .fold(NOTHING, Received::add)
    })
}
// ANCHOR_END: python_queue

/// Moves `items` through a queue to `consumers` consumers.
pub type Run = fn(u64, usize) -> Received;

/// A queue and a number of consumers, timed.
pub struct Way {
    pub name: &'static str,
    pub consumers: usize,
    pub run: Run,
}

/// The ways to time: each queue with one consumer and with `consumers` of them.
pub fn ways(consumers: usize) -> Vec<Way> {
    let mut counts = vec![1, consumers.max(1)];
    counts.dedup();
    let queues: [(&'static str, Run); 3] = [
        ("crossbeam::unbounded", through_crossbeam),
        ("std::mpsc::channel", through_std),
        ("Mutex<VecDeque> + Condvar", through_python_queue),
    ];
    let mut ways = Vec::new();
    for (name, run) in queues {
        for &consumers in &counts {
            ways.push(Way {
                name,
                consumers,
                run,
            });
        }
    }
    ways
}

/// Every way, interleaved, `reps` times each.
pub fn measure_throughput(
    items: u64,
    consumers: usize,
    reps: usize,
) -> (Vec<Way>, Vec<Runs<Received>>) {
    let ways = ways(consumers);
    let variants = ways
        .iter()
        .map(|w| {
            let (run, n) = (w.run, w.consumers);
            Variant::new(format!("{}, {n}", w.name), move || run(items, n))
        })
        .collect();
    let runs = interleaved(reps, variants);
    (ways, runs)
}

/// Times small items through each queue with one consumer and with several.
pub fn throughput(items: u64, consumers: usize, reps: usize) -> Section {
    let mut section = Section::new("throughput", "Channel throughput").about(&format!(
        "{items} small items (u64) from one producer to {}, with no \
         work per item, so the queue itself is what is timed: crossbeam's channel, std's channel \
         (its receiver behind a Mutex for more than one consumer), and a Mutex<VecDeque> with a \
         Condvar, built by hand as Python's queue.Queue is.",
        if consumers > 1 {
            format!("1 and to {consumers} consumers")
        } else {
            "1 consumer".to_string()
        }
    ));
    let (ways, runs) = measure_throughput(items, consumers, reps);
    let expected = Received::expected(items);
    let agreed = agreed_result(&runs);
    section.check(
        agreed == Ok(expected),
        phrase!(
            "every queue, every run: all {} items received once (count and sum checked)",
            items
        ),
    );
    if let Err(disagreement) = &agreed {
        section.result(phrase!(
            "disagreement: {}",
            Measured::Varies(disagreement.clone())
        ));
    }
    let rate = |r: &Runs<Received>| items as f64 / r.min_wall().as_secs_f64().max(1e-9);
    let reference = rate(&runs[0]);
    let mut table = Table::new(&[
        ("queue", "queue"),
        ("consumers", "consumers"),
        ("min_s", "min"),
        ("median_s", "median"),
        ("items_per_s", "items/s"),
        ("vs_crossbeam_1", "vs crossbeam, 1"),
    ]);
    for (way, r) in ways.iter().zip(&runs) {
        table.row(vec![
            way.name.into(),
            way.consumers.into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Rate(rate(r)).into(),
            Measured::Ratio(rate(r) / reference).into(),
        ]);
    }
    section.table(
        &format!("Measured ({reps} interleaved runs each; items/s from the minimum time)"),
        table,
    );
    let mut by_rate: Vec<usize> = (0..runs.len()).collect();
    by_rate.sort_by(|&a, &b| rate(&runs[b]).total_cmp(&rate(&runs[a])));
    let (best, worst) = (by_rate[0], by_rate[by_rate.len() - 1]);
    section.verdict(phrase!(
        "Fastest: {} ({}). Slowest: {} ({}).",
        Measured::Varies(runs[best].name.clone()),
        Measured::Rate(rate(&runs[best])),
        Measured::Varies(runs[worst].name.clone()),
        Measured::Rate(rate(&runs[worst]))
    ));
    if ways.len() == 6 {
        section.verdict(phrase!(
            "A second consumer moved {} (crossbeam), {} (std, behind a Mutex) and {} (hand-made) \
             the items per second of one. With no work per item there is no work to share: a \
             second consumer only changes how hard the queue is fought over.",
            Measured::Ratio(rate(&runs[1]) / rate(&runs[0])),
            Measured::Ratio(rate(&runs[3]) / rate(&runs[2])),
            Measured::Ratio(rate(&runs[5]) / rate(&runs[4]))
        ));
    }
    section
}
