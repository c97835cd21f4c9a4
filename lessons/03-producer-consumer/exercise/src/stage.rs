//! What the check hands to `pipeline()`: the items to send, and the stage that processes them.
//!
//! Both keep accounts for the check. [`Items`] counts the items the producer has taken;
//! [`Stage`] counts how often each item was processed, and on which threads. From these the
//! check can tell whether an item was lost or processed twice, how many items were waiting at
//! most (taken but not yet processed: the backlog), and whether a consumer still holds the stage
//! after `pipeline()` has returned.
//!
//! The accounts live in the answer runner, beside the answer; the runner sends them to the
//! judge as raw facts ([`crate::run::Report`]) and the judge decides. The answer is compiled
//! under `forbid(unsafe_code)`, so it can reach the accounts only through these methods.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use crate::Setup;

/// What `stage.process(item)` returns: a scramble of the item, different for every item.
pub fn result_of(item: u64) -> u64 {
    lesson_kit::workload::splitmix64(item)
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
    finished: AtomicU64,
    /// When the accounts were opened, and when the last call of `process` returned (in
    /// microseconds after that, plus one; 0: none yet).
    born: Instant,
    last_finish_us: AtomicU64,
    /// If not zero: the producer pauses for `pause` before handing out this item.
    pause_before: u64,
    pause: Duration,
    /// The last item takes this long to process, on top of `cost`.
    slow_last: Duration,
    /// Dropping a Stage or the Items takes [`GOODBYE`]: a thread that still holds one when
    /// `pipeline()` returns was not joined, and the window to see it is wide.
    slow_goodbye: bool,
    /// Planned waits (the producer's pause, the slow last item) in progress: not a hang.
    planned_waits: AtomicUsize,
    /// Items whose processing started, as counted when the producer's pause ended.
    started_at_pause_end: OnceLock<u64>,
    /// The thread that calls `pipeline()`: its own drops are not slowed.
    caller: OnceLock<ThreadId>,
}

/// How long dropping a Stage or the Items takes, on a thread other than the caller's, when the
/// check looks for threads not joined.
const GOODBYE: Duration = Duration::from_millis(50);

/// How long the first calls of `process` wait for the other consumers to show up.
const MEET_LIMIT: Duration = Duration::from_secs(2);

impl Ledger {
    /// The accounts for one run of `setup`.
    pub fn new(setup: &Setup) -> Arc<Ledger> {
        let items = setup.items;
        Arc::new(Ledger {
            items,
            cost: Duration::from_micros(setup.cost_us),
            taken: AtomicU64::new(0),
            started: AtomicU64::new(0),
            peak_backlog: AtomicU64::new(0),
            times_processed: (0..items).map(|_| AtomicU32::new(0)).collect(),
            threads: Mutex::new(HashSet::new()),
            meet: if setup.meet { setup.workers } else { 0 },
            first_call: OnceLock::new(),
            met: AtomicBool::new(false),
            finished: AtomicU64::new(0),
            born: Instant::now(),
            last_finish_us: AtomicU64::new(0),
            pause_before: setup.pause_before,
            pause: Duration::from_millis(setup.pause_ms),
            slow_last: Duration::from_millis(setup.slow_last_ms),
            slow_goodbye: setup.slow_goodbye,
            planned_waits: AtomicUsize::new(0),
            started_at_pause_end: OnceLock::new(),
            caller: OnceLock::new(),
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

    /// Calls of `process` that started and have not returned yet.
    pub fn unfinished(&self) -> u64 {
        self.started
            .load(Ordering::SeqCst)
            .saturating_sub(self.finished.load(Ordering::SeqCst))
    }

    /// How long ago the last call of `process` returned (`None`: no call returned yet).
    pub fn since_last_finish(&self) -> Option<Duration> {
        let at = self.last_finish_us.load(Ordering::SeqCst).checked_sub(1)?;
        Some(
            self.born
                .elapsed()
                .saturating_sub(Duration::from_micros(at)),
        )
    }

    /// A planned wait is in progress: nothing moving now is not a hang.
    pub fn waiting_on_purpose(&self) -> bool {
        self.planned_waits.load(Ordering::SeqCst) > 0
    }

    /// Items whose processing started after the producer's pause ended (`None`: no pause ended).
    pub fn started_after_pause(&self) -> Option<u64> {
        let at_end = *self.started_at_pause_end.get()?;
        Some(self.processed().saturating_sub(at_end))
    }

    /// Every item's count of `process` calls.
    pub fn all_times_processed(&self) -> Vec<u32> {
        self.times_processed
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }

    /// Waits `how_long` on purpose, telling the hang watch so.
    fn planned_wait(&self, how_long: Duration) {
        self.planned_waits.fetch_add(1, Ordering::SeqCst);
        thread::sleep(how_long);
        self.planned_waits.fetch_sub(1, Ordering::SeqCst);
    }

    /// Marks the calling thread as the one that calls `pipeline()`.
    pub fn note_caller(&self) {
        let _ = self.caller.set(thread::current().id());
    }

    fn goodbye(&self) {
        if self.slow_goodbye && self.caller.get() != Some(&thread::current().id()) {
            thread::sleep(GOODBYE);
        }
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
        if item == self.ledger.pause_before && item > 0 {
            // Everything sent so far can be processed meanwhile: the queue goes quiet.
            self.ledger.planned_wait(self.ledger.pause);
            let _ = self
                .ledger
                .started_at_pause_end
                .set(self.ledger.processed());
        }
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

impl Drop for Items {
    fn drop(&mut self) {
        self.ledger.goodbye();
    }
}

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
        if item + 1 == ledger.items && !ledger.slow_last.is_zero() {
            ledger.planned_wait(ledger.slow_last);
        }
        ledger.finished.fetch_add(1, Ordering::SeqCst);
        let now = ledger.born.elapsed().as_micros() as u64 + 1;
        ledger.last_finish_us.fetch_max(now, Ordering::SeqCst);
        result_of(item)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.ledger.goodbye();
    }
}
