//! What every shutdown scenario needs around its idea: counting what moves, consumer threads
//! that report what they processed, waiting with the watchdog, and joining.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{Scope, ScopedJoinHandle};

use lesson_kit::stall::Stall;

use super::{ITEMS, Outcome, is_malformed};
use crate::items::{Tally, panic_message, process};
use crate::python_queue::PythonQueue;
use crate::watchdog::{QUIET, Waited, watch};

/// What the threads of a scenario have moved so far; the watchdog calls a standstill a hang.
#[derive(Default)]
pub(super) struct Counters {
    /// Items the consumers processed.
    processed: AtomicU64,
    /// Items the producer got into the queue (counted where the producer may block).
    sent: AtomicU64,
}

impl Counters {
    fn moved(&self) -> u64 {
        self.processed.load(Ordering::Relaxed) + self.sent.load(Ordering::Relaxed)
    }

    pub(super) fn processed(&self) -> u64 {
        self.processed.load(Ordering::Relaxed)
    }

    /// The producer got one more item into the queue.
    pub(super) fn sent_one(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }
}

/// One consumer thread: what it processed, counted as it goes (a panic loses `taken`).
pub(super) struct Consumer<'a> {
    counters: &'a Counters,
    taken: Vec<u64>,
}

impl<'a> Consumer<'a> {
    pub(super) fn new(counters: &'a Counters) -> Consumer<'a> {
        Consumer {
            counters,
            taken: Vec::new(),
        }
    }

    /// Processes an item that is always well formed.
    pub(super) fn consume(&mut self, item: u64) {
        process(item, |_| false);
        self.done(item);
    }

    /// Processes an item that may be malformed: panics on one.
    pub(super) fn parse(&mut self, item: u64) {
        process(item, is_malformed);
        self.done(item);
    }

    fn done(&mut self, item: u64) {
        self.taken.push(item);
        self.counters.processed.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn taken(self) -> Vec<u64> {
        self.taken
    }
}

/// Starts `consumers` threads in the scope, each running `body` as its own [`Consumer`].
pub(super) fn spawn_consumers<'scope, 'env: 'scope>(
    s: &'scope Scope<'scope, 'env>,
    consumers: usize,
    counters: &'env Counters,
    body: impl Fn(&mut Consumer<'env>) + Send + Sync + Clone + 'scope,
) -> Vec<ScopedJoinHandle<'scope, Vec<u64>>> {
    (0..consumers)
        .map(|_| {
            let body = body.clone();
            s.spawn(move || {
                let mut consumer = Consumer::new(counters);
                body(&mut consumer);
                consumer.taken()
            })
        })
        .collect()
}

/// Waits, with the watchdog, for the producer and every consumer to finish; if nothing moves for
/// [`QUIET`], returns `what` as the hang's description.
pub(super) fn watch_all<A, B>(
    producer: &ScopedJoinHandle<'_, A>,
    consumers: &[ScopedJoinHandle<'_, B>],
    counters: &Counters,
    what: impl FnOnce() -> String,
) -> Option<String> {
    let finished = || producer.is_finished() && consumers.iter().all(|c| c.is_finished());
    match watch(finished, || counters.moved(), QUIET) {
        Waited::Finished => None,
        Waited::Hung { .. } => Some(what()),
    }
}

/// `join()` with the watchdog's rule: it is a hang only when the unfinished count stops moving.
pub(super) fn join_with_watchdog<T>(queue: &PythonQueue<T>) -> Result<(), usize> {
    let mut stall = Stall::new(QUIET, None);
    loop {
        match queue.join_timeout(QUIET) {
            Ok(()) => return Ok(()),
            Err(unfinished) if stall.look(Some(unfinished)).is_some() => return Err(unfinished),
            Err(_) => {}
        }
    }
}

impl Outcome {
    /// Joins the consumers (a panicked consumer counts as having processed nothing, and its
    /// message is kept) and tallies what they took. The scenario then adds what else happened.
    pub(super) fn joined(
        scenario: &'static str,
        counters: &Counters,
        handles: Vec<ScopedJoinHandle<'_, Vec<u64>>>,
    ) -> Outcome {
        let (mut taken, mut panics) = (Vec::new(), Vec::new());
        for handle in handles {
            match handle.join() {
                Ok(items) => taken.push(items),
                Err(payload) => {
                    panics.push(panic_message(payload.as_ref()));
                    taken.push(Vec::new());
                }
            }
        }
        panics.sort();
        Outcome {
            scenario,
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang: None,
            ended_by: "by itself",
            panics,
            producer: None,
            sent: ITEMS,
        }
    }

    /// The hang the watchdog saw, if any, and what ended it.
    pub(super) fn hung(self, hang: Option<String>, ended_by: &'static str) -> Outcome {
        Outcome {
            hang,
            ended_by,
            ..self
        }
    }

    /// How many items the producer got into the queue, and what it learned if a send failed.
    pub(super) fn producer(self, (sent, said): (u64, Option<&'static str>)) -> Outcome {
        Outcome {
            sent,
            producer: said,
            ..self
        }
    }
}
