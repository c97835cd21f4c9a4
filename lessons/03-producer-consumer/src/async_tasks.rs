//! Experiment 6, the async counterpart: the same producer and consumers as tasks on tokio.
//!
//! asyncio's version of the pattern is `asyncio.Queue` with tasks. tokio's is
//! `tokio::sync::mpsc`: a bounded channel whose `send().await` waits while it is full, and which
//! closes when its last Sender is dropped, exactly like the threads' channels. Its receiver cannot
//! be cloned (like std's), so several consumer tasks share it behind tokio's async Mutex, whose
//! guard is made to be held across an `.await` (tokio 1.54's documentation): here across
//! `recv().await`, and not across the work, the trap of experiment 1, which is measured too. The
//! tasks must produce the same result as the threads: every item exactly once, the backlog within
//! the capacity, and a clean end; and a forgotten Sender hangs them the same way, which
//! `tokio::time::timeout` detects.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

use lesson_kit::stall::Stall;
use tokio::sync::Mutex;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::items::{Tally, mix};
use crate::watchdog::QUIET;

mod report;
pub use report::async_counterpart;

pub const ITEMS: u64 = 1_000;
pub const CAPACITY: usize = 16;

/// What one run did, threads or tasks alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub tally: Tally,
    pub checksum: u64,
    pub peak_backlog: usize,
    pub producer_waits: u64,
    /// The most consumer tasks awaiting their I/O at the same moment (threads: not counted).
    pub most_in_io: Option<usize>,
    /// What the watchdog saw, if the consumers hung.
    pub hang: Option<String>,
}

/// How the consumer tasks are written, and whether a Sender is forgotten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tasks {
    /// The lock is taken for one `recv().await`, released before the I/O.
    LockForRecv,
    /// The `while let` form: the guard lives through the loop body, I/O included.
    LockHeldThroughIo,
    /// As `LockForRecv`, with a clone of the Sender kept alive.
    SenderForgotten,
}

/// What the consumer tasks share besides the receiver: progress, and who awaits I/O right now.
#[derive(Default)]
struct Counters {
    consumed: AtomicU64,
    in_io: AtomicUsize,
    most_in_io: AtomicUsize,
}

impl Counters {
    /// Stands for awaiting I/O with an item: the task yields, and the runtime runs the others.
    async fn io(&self) {
        let now = self.in_io.fetch_add(1, Ordering::Relaxed) + 1;
        self.most_in_io.fetch_max(now, Ordering::Relaxed);
        tokio::task::yield_now().await;
        self.in_io.fetch_sub(1, Ordering::Relaxed);
        self.consumed.fetch_add(1, Ordering::Relaxed);
    }
}

// ANCHOR: consumer_task
/// A consumer task: holds the shared receiver's lock across one `recv().await` (tokio's Mutex is
/// made for that), and releases it at the end of the `let`, before the I/O.
async fn consumer(rx: Arc<Mutex<mpsc::Receiver<u64>>>, counters: Arc<Counters>) -> (Vec<u64>, u64) {
    let (mut taken, mut checksum) = (Vec::new(), 0u64);
    loop {
        let next = rx.lock().await.recv().await; // None once closed and empty
        let Some(item) = next else { break };
        checksum = checksum.wrapping_add(mix(item));
        taken.push(item);
        counters.io().await; // the lock is free: the other consumers receive meanwhile
    }
    (taken, checksum)
}
// ANCHOR_END: consumer_task

// ANCHOR: consumer_holding_the_lock
/// Experiment 1's trap in a task: the guard in the `while let` condition lives through the body,
/// so the lock is held across the I/O too, and the other consumers wait for it.
async fn consumer_holding_the_lock(
    rx: Arc<Mutex<mpsc::Receiver<u64>>>,
    counters: Arc<Counters>,
) -> (Vec<u64>, u64) {
    let (mut taken, mut checksum) = (Vec::new(), 0u64);
    while let Some(item) = rx.lock().await.recv().await {
        checksum = checksum.wrapping_add(mix(item));
        taken.push(item);
        counters.io().await; // still holding the lock
    }
    (taken, checksum)
}
// ANCHOR_END: consumer_holding_the_lock

// ANCHOR: tokio_pipeline
/// One producer, `consumers` consumer tasks, a bounded channel. With `Tasks::SenderForgotten`, a
/// clone of the Sender is kept alive, as in the threads' version of the mistake.
pub async fn pipeline(items: u64, consumers: usize, how: Tasks) -> Run {
    let (tx, rx) = mpsc::channel(CAPACITY);
    let (rx, counters) = (Arc::new(Mutex::new(rx)), Arc::new(Counters::default()));
    let mut tasks = JoinSet::new();
    for _ in 0..consumers {
        let (rx, counters) = (Arc::clone(&rx), Arc::clone(&counters));
        match how {
            Tasks::LockHeldThroughIo => tasks.spawn(consumer_holding_the_lock(rx, counters)),
            _ => tasks.spawn(consumer(rx, counters)),
        };
    }
    let mut spare = (how == Tasks::SenderForgotten).then(|| tx.clone());
    let (mut peak_backlog, mut producer_waits) = (0, 0);
    for item in 0..items {
        if let Err(TrySendError::Full(item)) = tx.try_send(item) {
            producer_waits += 1; // full: wait, without blocking the thread, for room
            tx.send(item).await.expect("the consumers are alive");
        }
        peak_backlog = peak_backlog.max(tx.max_capacity() - tx.capacity());
    }
    drop(tx);
    let consumed = || counters.consumed.load(Ordering::Relaxed);
    let (mut results, mut hang, mut stall) = (Vec::new(), None, Stall::new(QUIET, consumed()));
    loop {
        match timeout(QUIET, tasks.join_next()).await {
            Ok(Some(result)) => results.push(result.expect("a consumer task panicked")),
            Ok(None) => break, // every consumer task has finished
            Err(_elapsed) if stall.look(consumed()).is_none() => {} // slow, but moving: no hang
            Err(_elapsed) => {
                hang = Some(format!(
                    "all {} items consumed, then the consumer tasks waited in recv(): \
                     a Sender was still alive",
                    consumed()
                ));
                spare = None; // the fix, applied after the hang was seen: the channel closes
            }
        }
    }
    // ANCHOR_END: tokio_pipeline
    drop(spare);
    let (taken, checksums): (Vec<Vec<u64>>, Vec<u64>) = results.into_iter().unzip();
    Run {
        tally: Tally::of(items, &taken),
        checksum: checksums.into_iter().fold(0, u64::wrapping_add),
        peak_backlog,
        producer_waits,
        most_in_io: Some(counters.most_in_io.load(Ordering::Relaxed)),
        hang,
    }
}

/// The same pipeline with threads and crossbeam's bounded channel, to compare.
pub fn with_threads(items: u64, consumers: usize) -> Run {
    let (tx, rx) = crossbeam_channel::bounded(CAPACITY);
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let rx = rx.clone();
                s.spawn(move || {
                    let taken: Vec<u64> = rx.iter().collect();
                    let checksum = taken.iter().fold(0u64, |sum, &i| sum.wrapping_add(mix(i)));
                    (taken, checksum)
                })
            })
            .collect();
        let (mut peak_backlog, mut producer_waits) = (0, 0);
        for item in 0..items {
            if let Err(crossbeam_channel::TrySendError::Full(item)) = tx.try_send(item) {
                producer_waits += 1;
                tx.send(item).expect("the consumers are alive");
            }
            peak_backlog = peak_backlog.max(tx.len());
        }
        drop(tx);
        let (taken, checksums): (Vec<Vec<u64>>, Vec<u64>) =
            handles.into_iter().map(|h| h.join().unwrap()).unzip();
        Run {
            tally: Tally::of(items, &taken),
            checksum: checksums.into_iter().fold(0, u64::wrapping_add),
            peak_backlog,
            producer_waits,
            most_in_io: None,
            hang: None,
        }
    })
}

/// A single-threaded tokio runtime (tokio's `rt` feature) with timers. Dropping it cancels any
/// task still left, so none can outlive it.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

/// Runs `future` on a runtime of its own, dropped at the end.
pub fn on_tokio<T>(future: impl Future<Output = T>) -> T {
    runtime().block_on(future)
}
