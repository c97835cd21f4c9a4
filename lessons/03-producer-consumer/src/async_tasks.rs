//! Experiment 6, the async counterpart: the same producer and consumers as tasks on tokio.
//!
//! asyncio's version of the pattern is `asyncio.Queue` with tasks. tokio's is
//! `tokio::sync::mpsc`: a bounded channel whose `send().await` waits while it is full, and which
//! closes when its last Sender is dropped, exactly like the threads' channels. Its receiver cannot
//! be cloned (like std's), so several consumer tasks share it behind tokio's async Mutex. The
//! tasks must produce the same result as the threads: every item exactly once, the backlog within
//! the capacity, and a clean end; and a forgotten Sender hangs them the same way, which
//! `tokio::time::timeout` detects.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};
use tokio::sync::Mutex;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::items::{Tally, count_of, expected_checksum, mix};
use crate::watchdog::QUIET;

pub const ITEMS: u64 = 1_000;
pub const CAPACITY: usize = 16;

/// What one run did, threads or tasks alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub tally: Tally,
    pub checksum: u64,
    pub peak_backlog: usize,
    pub producer_waits: u64,
    /// What the watchdog saw, if the consumers hung.
    pub hang: Option<String>,
}

// ANCHOR: consumer_task
/// A consumer task: takes the shared receiver's lock for one `recv`, then works without it.
async fn consumer(
    rx: Arc<Mutex<mpsc::Receiver<u64>>>,
    progress: Arc<AtomicU64>,
) -> (Vec<u64>, u64) {
    let (mut taken, mut checksum) = (Vec::new(), 0u64);
    loop {
        let next = rx.lock().await.recv().await; // None once closed and empty
        let Some(item) = next else { break };
        checksum = checksum.wrapping_add(mix(item));
        taken.push(item);
        progress.fetch_add(1, Ordering::Relaxed);
        tokio::task::yield_now().await; // stands for awaiting I/O: lets the other tasks run
    }
    (taken, checksum)
}
// ANCHOR_END: consumer_task

// ANCHOR: tokio_pipeline
/// One producer, `consumers` consumer tasks, a bounded channel. With `forget_a_sender`, a clone
/// of the Sender is kept alive, as in the threads' version of the mistake.
pub async fn pipeline(items: u64, consumers: usize, forget_a_sender: bool) -> Run {
    let (tx, rx) = mpsc::channel(CAPACITY);
    let rx = Arc::new(Mutex::new(rx));
    let progress = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..consumers {
        tasks.spawn(consumer(Arc::clone(&rx), Arc::clone(&progress)));
    }
    let mut spare = forget_a_sender.then(|| tx.clone());
    let (mut peak_backlog, mut producer_waits) = (0, 0);
    for item in 0..items {
        if let Err(TrySendError::Full(item)) = tx.try_send(item) {
            producer_waits += 1; // full: wait, without blocking the thread, for room
            tx.send(item).await.expect("the consumers are alive");
        }
        peak_backlog = peak_backlog.max(tx.max_capacity() - tx.capacity());
    }
    drop(tx);
    let (mut results, mut hang, mut seen) = (Vec::new(), None, 0);
    loop {
        match timeout(QUIET, tasks.join_next()).await {
            Ok(Some(result)) => results.push(result.expect("a consumer task panicked")),
            Ok(None) => break, // every consumer task has finished
            Err(_elapsed) if progress.load(Ordering::Relaxed) != seen => {
                seen = progress.load(Ordering::Relaxed); // slow, but moving: no hang
            }
            Err(_elapsed) => {
                hang = Some(format!(
                    "all {seen} items consumed, then the consumer tasks waited in recv(): \
                     a Sender was still alive"
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
            hang: None,
        }
    })
}

/// Runs `future` on a single-threaded tokio runtime; dropping the runtime at the end cancels any
/// task still left, so none can outlive this call.
pub fn on_tokio<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// Shows tokio's tasks producing the threads' result, and the forgotten Sender hanging them too.
pub fn async_counterpart(consumers: usize) -> Section {
    let mut section = Section::new("async", "The async counterpart").about(&format!(
        "The same pipeline as tasks: one producer, {} sharing a \
         tokio::sync::mpsc receiver, a channel bounded at {CAPACITY}, {ITEMS} items, on a \
         single-threaded tokio runtime. Beside it, threads with crossbeam's bounded channel. \
         Then the tasks again, with a Sender forgotten.",
        count_of(consumers, "consumer task")
    ));
    let started = Instant::now();
    let threads = with_threads(ITEMS, consumers);
    let threads_time = started.elapsed();
    let started = Instant::now();
    let tasks = on_tokio(pipeline(ITEMS, consumers, false));
    let tasks_time = started.elapsed();
    let forgotten = on_tokio(pipeline(ITEMS, consumers, true));

    for (name, run) in [("threads", &threads), ("tasks", &tasks)] {
        section.check(
            run.tally.exactly_once() && run.checksum == expected_checksum(ITEMS),
            phrase!(
                "{}: each of the {} items consumed exactly once (checksum checked)",
                name,
                ITEMS
            ),
        );
    }
    section.check(
        threads.checksum == tasks.checksum,
        phrase!("threads and tasks agree on the result"),
    );
    section.check(
        threads.peak_backlog <= CAPACITY && tasks.peak_backlog <= CAPACITY,
        phrase!("both kept the backlog within the capacity of {}", CAPACITY),
    );
    match &forgotten.hang {
        Some(hang) => section.check(
            forgotten.tally.exactly_once(),
            phrase!(
                "tasks, a Sender forgotten: hang detected by tokio::time::timeout: {}; ended by \
                 dropping it, and every task finished",
                hang.as_str()
            ),
        ),
        None => section.check(
            false,
            "tasks, a Sender forgotten: no hang where one was expected",
        ),
    }

    let mut table = Table::new(&[
        ("way", "way"),
        ("consumers", "consumers"),
        ("items_per_consumer", "items per consumer"),
        ("peak_backlog", "peak backlog"),
        ("producer_waits", "producer waited"),
        ("time_s", "time"),
    ]);
    for (name, run, time) in [
        ("threads, crossbeam::bounded", &threads, threads_time),
        ("tasks, tokio::sync::mpsc", &tasks, tasks_time),
    ] {
        table.row(vec![
            name.into(),
            consumers.into(),
            Measured::Varies(run.tally.distribution()).into(),
            Measured::Count(run.peak_backlog as u64).into(),
            Measured::Count(run.producer_waits).into(),
            Measured::Time(time).into(),
        ]);
    }
    section.table("Measured (one run each)", table);
    section.verdict(
        "The same pattern, the same result: a bounded channel for backpressure, and the channel \
         closing when the last Sender is dropped to end the consumers. In a task, a full channel \
         makes send().await wait without blocking the thread; the runtime runs the consumers \
         meanwhile.",
    );
    section.verdict(
        "asyncio's join() hangs on pills never marked done; the Rust tasks hang on a Sender never \
         dropped. Both wait for something that never comes; a timeout turns the wait into a report.",
    );
    section
}
