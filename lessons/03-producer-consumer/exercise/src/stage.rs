//! What the check hands to `pipeline()`: the items to send, and the stage that processes them.
//!
//! Both keep accounts for the check. [`Items`] counts the items the producer has taken;
//! [`Stage`] counts how often each item was processed, and on which threads. From these the
//! check can tell whether an item was lost or processed twice, how many items were waiting at
//! most (taken but not yet processed: the backlog), and whether a consumer still holds the stage
//! after `pipeline()` has returned.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// What `stage.process(item)` returns: a scramble of the item, different for every item.
pub fn result_of(item: u64) -> u64 {
    let mut z = item.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The shared accounts of one run.
#[derive(Debug)]
pub struct Ledger {
    items: u64,
    cost: Duration,
    taken: AtomicU64,
    started: AtomicU64,
    peak_backlog: AtomicU64,
    times_processed: Vec<AtomicU32>,
    threads: Mutex<HashSet<ThreadId>>,
    /// If not zero: the first calls of `process` wait (a little while at most) until this many
    /// threads have called it, so that a pipeline with this many consumers shows all of them.
    meet: usize,
    first_call: OnceLock<Instant>,
    met: AtomicBool,
}

/// How long the first calls of `process` wait for the other consumers to show up.
const MEET_LIMIT: Duration = Duration::from_secs(2);

impl Ledger {
    /// A run of `items` items, each costing `cost` to process.
    pub fn new(items: u64, cost: Duration, meet: usize) -> Arc<Ledger> {
        Arc::new(Ledger {
            items,
            cost,
            taken: AtomicU64::new(0),
            started: AtomicU64::new(0),
            peak_backlog: AtomicU64::new(0),
            times_processed: (0..items).map(|_| AtomicU32::new(0)).collect(),
            threads: Mutex::new(HashSet::new()),
            meet,
            first_call: OnceLock::new(),
            met: AtomicBool::new(false),
        })
    }

    /// The items and the stage for `pipeline()`.
    pub fn hand_out(self: &Arc<Ledger>) -> (Items, Stage) {
        (
            Items {
                next: 0,
                ledger: Arc::clone(self),
            },
            Stage {
                ledger: Arc::clone(self),
            },
        )
    }

    pub fn items(&self) -> u64 {
        self.items
    }

    /// Items taken from `Items` plus items whose processing started: it stops when the run does.
    pub fn progress(&self) -> u64 {
        self.taken.load(Ordering::Relaxed) + self.started.load(Ordering::Relaxed)
    }

    pub fn taken(&self) -> u64 {
        self.taken.load(Ordering::Relaxed)
    }

    /// Items whose processing started.
    pub fn processed(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// The most items that were taken from `Items` and not yet being processed, at any moment.
    pub fn peak_backlog(&self) -> u64 {
        self.peak_backlog.load(Ordering::Relaxed)
    }

    /// How often `item` was processed.
    pub fn times_processed(&self, item: u64) -> u32 {
        self.times_processed[item as usize].load(Ordering::Relaxed)
    }

    /// How many different threads called `process`.
    pub fn threads(&self) -> usize {
        self.threads.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn note_backlog(&self) {
        let backlog = self
            .taken
            .load(Ordering::SeqCst)
            .saturating_sub(self.started.load(Ordering::SeqCst));
        self.peak_backlog.fetch_max(backlog, Ordering::Relaxed);
    }

    fn wait_for_the_others(&self) {
        if self.meet == 0 || self.met.load(Ordering::Relaxed) {
            return;
        }
        let first = *self.first_call.get_or_init(Instant::now);
        while self.threads() < self.meet && first.elapsed() < MEET_LIMIT {
            thread::sleep(Duration::from_millis(1));
        }
        self.met.store(true, Ordering::Relaxed);
    }
}

/// The items to send through the pipeline, `0..n`: an iterator that counts what it hands out.
#[derive(Debug)]
pub struct Items {
    next: u64,
    ledger: Arc<Ledger>,
}

impl Iterator for Items {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if self.next >= self.ledger.items {
            return None;
        }
        let item = self.next;
        self.next += 1;
        self.ledger.taken.fetch_add(1, Ordering::SeqCst);
        self.ledger.note_backlog();
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.ledger.items - self.next) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Items {}

/// The work each consumer does with an item. Cheap to clone: give each consumer thread its own.
#[derive(Debug, Clone)]
pub struct Stage {
    ledger: Arc<Ledger>,
}

impl Stage {
    /// Processes one item and returns its result.
    pub fn process(&self, item: u64) -> u64 {
        let ledger = &self.ledger;
        ledger.started.fetch_add(1, Ordering::SeqCst);
        ledger
            .threads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(thread::current().id());
        ledger.wait_for_the_others();
        if let Some(count) = ledger.times_processed.get(item as usize) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        let started = Instant::now();
        while started.elapsed() < ledger.cost {
            std::hint::spin_loop();
        }
        result_of(item)
    }
}
