//! Experiment 3, shutting down: how do the consumers learn that no more items will come?
//!
//! Python sends a *poison pill* (`None`), one per consumer. Rust has a second way, its idiom:
//! a channel *closes* when its last `Sender` is dropped, and a consumer's `for item in rx` ends
//! once the queue is empty. Both work when everything goes well. This experiment runs each one
//! when something goes wrong, a sender forgotten or the consumers panicking, and replays the
//! asyncio pitfall, `join()` waiting for pills that are never marked done. Where the run hangs,
//! the [watchdog](crate::watchdog) detects it, the lesson says why, and ends it the way the fix
//! would, so that no thread is left behind.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{self, Scope, ScopedJoinHandle};

use lesson_kit::measure::thread_count;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Phrase, Section, phrase};

use crate::items::{Tally, count_of, panic_message, process, quiet_expected_panics};
use crate::python_queue::PythonQueue;
use crate::watchdog::{QUIET, Waited, watch};

/// Items per scenario.
pub const ITEMS: u64 = 1_000;
/// In the scenarios where the consumers panic, the input turns bad here: this item and every
/// later one is malformed, as when a file is corrupt from some point on.
pub const FIRST_MALFORMED: u64 = 500;
/// The bounded queues' capacity.
pub const CAPACITY: usize = 16;

fn is_malformed(item: u64) -> bool {
    item >= FIRST_MALFORMED
}

/// How a scenario ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub scenario: &'static str,
    /// Which items each consumer processed (a consumer that panicked reports none).
    pub tally: Tally,
    /// Items processed, counted as they were: panicked consumers' items included.
    pub processed: u64,
    /// What the watchdog saw when nothing moved any more, if the run hung.
    pub hang: Option<String>,
    /// How the run ended: by itself, or by what the lesson did after detecting the hang.
    pub ended_by: &'static str,
    /// What the consumers that panicked said, as `join()` reported it.
    pub panics: Vec<String>,
    /// What the producer learned, if a send or put failed.
    pub producer: Option<&'static str>,
    /// Items (and pills) the producer got into the queue.
    pub sent: u64,
}

/// What the threads of a scenario have moved so far; the watchdog calls a standstill a hang.
#[derive(Default)]
struct Counters {
    /// Items the consumers processed.
    processed: AtomicU64,
    /// Items the producer got into the queue (counted where the producer may block).
    sent: AtomicU64,
}

impl Counters {
    fn moved(&self) -> u64 {
        self.processed.load(Ordering::Relaxed) + self.sent.load(Ordering::Relaxed)
    }

    fn processed(&self) -> u64 {
        self.processed.load(Ordering::Relaxed)
    }
}

/// One consumer thread: what it processed, counted as it goes (a panic loses `taken`).
struct Consumer<'a> {
    counters: &'a Counters,
    taken: Vec<u64>,
}

impl Consumer<'_> {
    /// Processes an item that is always well formed.
    fn consume(&mut self, item: u64) {
        process(item, |_| false);
        self.taken.push(item);
        self.counters.processed.fetch_add(1, Ordering::Relaxed);
    }

    /// Processes an item that may be malformed: panics on one.
    fn parse(&mut self, item: u64) {
        process(item, is_malformed);
        self.taken.push(item);
        self.counters.processed.fetch_add(1, Ordering::Relaxed);
    }
}

/// Starts `consumers` threads in the scope, each running `body` as its own [`Consumer`].
fn spawn_consumers<'scope, 'env: 'scope>(
    s: &'scope Scope<'scope, 'env>,
    consumers: usize,
    counters: &'env Counters,
    body: impl Fn(&mut Consumer<'env>) + Send + Sync + Clone + 'scope,
) -> Vec<ScopedJoinHandle<'scope, Vec<u64>>> {
    (0..consumers)
        .map(|_| {
            let body = body.clone();
            s.spawn(move || {
                let mut consumer = Consumer {
                    counters,
                    taken: Vec::new(),
                };
                body(&mut consumer);
                consumer.taken
            })
        })
        .collect()
}

/// Waits, with the watchdog, for the producer and every consumer to finish.
fn watch_all<A, B>(
    producer: &ScopedJoinHandle<'_, A>,
    consumers: &[ScopedJoinHandle<'_, B>],
    counters: &Counters,
) -> Waited {
    let finished = || producer.is_finished() && consumers.iter().all(|c| c.is_finished());
    watch(finished, || counters.moved(), QUIET)
}

/// Joins the consumers: what each processed, and the messages of those that panicked.
fn join_consumers(handles: Vec<ScopedJoinHandle<'_, Vec<u64>>>) -> (Vec<Vec<u64>>, Vec<String>) {
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
    (taken, panics)
}

/// The Rust idiom: dropping the last Sender closes the channel; every consumer's loop ends.
pub fn close_by_dropping_senders(consumers: usize) -> Outcome {
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        // ANCHOR: close
        let handles = spawn_consumers(s, consumers, &counters, move |me| {
            for item in rx.clone() {
                me.consume(item); // the loop ends when the channel is closed and empty
            }
        });
        let producer = s.spawn(move || {
            for item in 0..ITEMS {
                tx.send(item).expect("the consumers are alive");
            }
            // `tx` is dropped here, the last Sender: the channel closes.
        });
        // ANCHOR_END: close
        let waited = watch_all(&producer, &handles, &counters);
        let (taken, panics) = join_consumers(handles);
        Outcome {
            scenario: "close: drop every Sender",
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang: hang_words(waited, "the consumers never saw the channel close"),
            ended_by: "by itself",
            panics,
            producer: None,
            sent: ITEMS,
        }
    })
}

/// Python's way: after the items, one `None` per consumer; each consumer stops at its pill.
pub fn poison_pills(consumers: usize) -> Outcome {
    pills(consumers, false)
}

/// Pills with a Sender forgotten: the channel never closes, and nobody needs it to.
pub fn poison_pills_sender_forgotten(consumers: usize) -> Outcome {
    pills(consumers, true)
}

fn pills(consumers: usize, forget_a_sender: bool) -> Outcome {
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::unbounded();
    let spare = forget_a_sender.then(|| tx.clone());
    thread::scope(|s| {
        // ANCHOR: pills
        let handles = spawn_consumers(s, consumers, &counters, move |me| {
            while let Ok(Some(item)) = rx.recv() {
                me.consume(item);
            } // a `None` (the pill) ends the loop
        });
        let producer = s.spawn(move || {
            for item in 0..ITEMS {
                tx.send(Some(item)).expect("the consumers are alive");
            }
            for _ in 0..consumers {
                tx.send(None).expect("the consumers are alive"); // one pill per consumer
            }
        });
        // ANCHOR_END: pills
        let waited = watch_all(&producer, &handles, &counters);
        let (taken, panics) = join_consumers(handles);
        drop(spare);
        Outcome {
            scenario: if forget_a_sender {
                "poison pills, a Sender forgotten"
            } else {
                "poison pills"
            },
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang: hang_words(waited, "a consumer never got its pill"),
            ended_by: "by itself",
            panics,
            producer: None,
            sent: ITEMS,
        }
    })
}

/// The idiom's failure: one Sender clone still alive, so the channel never closes.
pub fn forgotten_sender(consumers: usize) -> Outcome {
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        // ANCHOR: forgotten
        let handles = spawn_consumers(s, consumers, &counters, move |me| {
            for item in rx.clone() {
                me.consume(item);
            }
        });
        let spare = tx.clone(); // kept "for later": the channel cannot close while it lives
        let producer = s.spawn(move || {
            for item in 0..ITEMS {
                tx.send(item).expect("the consumers are alive");
            }
        });
        // ANCHOR_END: forgotten
        let waited = watch_all(&producer, &handles, &counters);
        let hang = hang_words(
            waited,
            &format!(
                "all {} items consumed, then {} waited in recv(): a Sender \
                 was still alive, so the channel never closed",
                counters.processed(),
                count_of(consumers, "consumer")
            ),
        );
        drop(spare); // the fix, applied after the hang was seen: the channel closes
        let (taken, panics) = join_consumers(handles);
        Outcome {
            scenario: "close, a Sender forgotten",
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang,
            ended_by: "dropping the forgotten Sender",
            panics,
            producer: None,
            sent: ITEMS,
        }
    })
}

/// Pills in a bounded Python-style queue, and the consumers die: the producer waits in `put()`
/// for room that no consumer will ever make. Python's queue does not know its consumers are gone.
pub fn pills_when_consumers_panic(consumers: usize) -> Outcome {
    quiet_expected_panics();
    let counters = Counters::default();
    let queue = PythonQueue::new(CAPACITY);
    thread::scope(|s| {
        // ANCHOR: pills_panic
        let handles = spawn_consumers(s, consumers, &counters, |me| {
            while let Ok(Some(item)) = queue.get() {
                me.parse(item); // panics on a malformed item
            }
        });
        let producer = s.spawn(|| {
            let mut sent = 0;
            for item in (0..ITEMS).map(Some).chain((0..consumers).map(|_| None)) {
                if queue.put(item).is_err() {
                    return (sent, Some("put() failed: the queue was shut down"));
                }
                sent += 1;
                counters.sent.fetch_add(1, Ordering::Relaxed);
            }
            (sent, None)
        });
        // ANCHOR_END: pills_panic
        let waited = watch_all(&producer, &handles, &counters);
        let hang = hang_words(
            waited,
            &format!(
                "the producer waited in put(): the queue was full ({} items) and no consumer \
                 was left to take one",
                queue.len()
            ),
        );
        queue.shut_down(); // what ends it: Python 3.13's Queue.shutdown(immediate=True)
        let (sent, said) = producer.join().expect("the producer does not panic");
        let (taken, panics) = join_consumers(handles);
        Outcome {
            scenario: "poison pills, consumers panic",
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang,
            ended_by: "shutting the queue down",
            panics,
            producer: said,
            sent,
        }
    })
}

/// The same with a bounded channel and the closing idiom: when the last Receiver is dropped,
/// `send()` fails at once, so the producer learns that nobody is left.
pub fn close_when_consumers_panic(consumers: usize) -> Outcome {
    quiet_expected_panics();
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::bounded(CAPACITY);
    thread::scope(|s| {
        // ANCHOR: close_panic
        let receivers: Vec<_> = (0..consumers).map(|_| rx.clone()).collect();
        drop(rx); // the producer keeps no Receiver, as the consumers keep no Sender
        let handles: Vec<_> = receivers
            .into_iter()
            .map(|rx| {
                let counters = &counters;
                s.spawn(move || {
                    let mut me = Consumer {
                        counters,
                        taken: Vec::new(),
                    };
                    for item in rx {
                        me.parse(item); // panics on a malformed item, dropping `rx`
                    }
                    me.taken
                })
            })
            .collect();
        let producer = s.spawn(|| {
            let mut sent = 0;
            for item in 0..ITEMS {
                if tx.send(item).is_err() {
                    return (sent, Some("send() failed: every Receiver was gone"));
                }
                sent += 1;
                counters.sent.fetch_add(1, Ordering::Relaxed);
            }
            (sent, None)
        });
        // ANCHOR_END: close_panic
        let waited = watch_all(&producer, &handles, &counters);
        let hang = hang_words(
            waited,
            "the producer waited in send() with nobody to receive",
        );
        let (sent, said) = producer.join().expect("the producer does not panic");
        let (taken, panics) = join_consumers(handles);
        Outcome {
            scenario: "close, consumers panic",
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang,
            ended_by: "by itself",
            panics,
            producer: said,
            sent,
        }
    })
}

/// asyncio's pitfall in Rust: `join()` waits until every item put is marked done, pills
/// included; the consumers never mark their pill, so `join()` would wait forever.
pub fn join_waits_for_pills(consumers: usize) -> Outcome {
    let counters = Counters::default();
    let queue = PythonQueue::new(0);
    thread::scope(|s| {
        // ANCHOR: join_pitfall
        let handles = spawn_consumers(s, consumers, &counters, |me| {
            while let Ok(Some(item)) = queue.get() {
                me.consume(item);
                queue.task_done();
            } // the pill ends the loop, and is never marked done
        });
        for item in 0..ITEMS {
            queue.put(Some(item)).expect("never shut down");
        }
        for _ in 0..consumers {
            queue.put(None).expect("never shut down");
        }
        let joined = join_with_watchdog(&queue); // Python: `await queue.join()`
        // ANCHOR_END: join_pitfall
        let hang = match joined {
            Ok(()) => None,
            Err(unfinished) => Some(format!(
                "join() still waited for {unfinished} task_done() calls with all {} items \
                 done: the {consumers} pills were taken but never marked done",
                counters.processed()
            )),
        };
        let (taken, panics) = join_consumers(handles);
        Outcome {
            scenario: "asyncio's join(), pills not done",
            tally: Tally::of(ITEMS, &taken),
            processed: counters.processed(),
            hang,
            ended_by: "joining the threads, not the queue",
            panics,
            producer: None,
            sent: ITEMS,
        }
    })
}

/// `join()` with the watchdog's rule: it is a hang only when the unfinished count stops moving.
fn join_with_watchdog<T>(queue: &PythonQueue<T>) -> Result<(), usize> {
    let mut last = None;
    loop {
        match queue.join_timeout(QUIET) {
            Ok(()) => return Ok(()),
            Err(unfinished) if last == Some(unfinished) => return Err(unfinished),
            Err(unfinished) => last = Some(unfinished),
        }
    }
}

fn hang_words(waited: Waited, what: &str) -> Option<String> {
    match waited {
        Waited::Finished => None,
        Waited::Hung { .. } => Some(what.to_string()),
    }
}

/// A scenario: run with this many consumers, it tells how it ended.
pub type Scenario = fn(usize) -> Outcome;

/// The scenarios, in the order the experiment prints them, and what each should do.
pub fn scenarios() -> [(Scenario, Expect); 7] {
    [
        (close_by_dropping_senders, Expect::Clean),
        (poison_pills, Expect::Clean),
        (forgotten_sender, Expect::Hang),
        (poison_pills_sender_forgotten, Expect::Clean),
        (close_when_consumers_panic, Expect::NoHangButLoss),
        (pills_when_consumers_panic, Expect::Hang),
        (join_waits_for_pills, Expect::Hang),
    ]
}

/// What a scenario is there to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Every item consumed exactly once, no hang.
    Clean,
    /// A hang the watchdog must detect.
    Hang,
    /// The consumers died; the producer must find out without hanging.
    NoHangButLoss,
}

impl Outcome {
    /// Did the scenario do what it is there to show?
    pub fn as_expected(&self, expect: Expect) -> bool {
        match expect {
            Expect::Clean => self.hang.is_none() && self.tally.exactly_once(),
            Expect::Hang => self.hang.is_some() && self.panics_only_on_malformed_items(),
            Expect::NoHangButLoss => {
                self.hang.is_none() && !self.panics.is_empty() && self.producer.is_some()
            }
        }
    }

    fn panics_only_on_malformed_items(&self) -> bool {
        self.panics.iter().all(|p| p.starts_with("malformed item"))
    }

    fn consumed(&self) -> u64 {
        self.processed
    }
}

/// The scenario's result line: exact facts, and the one number that varies redacted.
fn describe(outcome: &Outcome, expect: Expect) -> Phrase {
    let panicked = if outcome.panics.is_empty() {
        String::new()
    } else {
        format!(
            "; {} panicked ({}); {} of {ITEMS} items processed",
            count_of(outcome.panics.len(), "consumer"),
            outcome.panics.join(", "),
            outcome.consumed()
        )
    };
    match (&outcome.hang, expect) {
        (Some(hang), _) => phrase!(
            "{}: hang detected: {}; ended by {}{}",
            outcome.scenario,
            hang,
            outcome.ended_by,
            panicked
        ),
        (None, Expect::Clean) if outcome.tally.exactly_once() => phrase!(
            "{}: each of the {} items consumed exactly once; the consumers ended by themselves",
            outcome.scenario,
            ITEMS
        ),
        (None, Expect::Clean) => phrase!(
            "{}: {}",
            outcome.scenario,
            Measured::Varies(outcome.tally.problems())
        ),
        (None, Expect::Hang) => phrase!(
            "{}: no hang where one was expected{}",
            outcome.scenario,
            panicked
        ),
        (None, Expect::NoHangButLoss) => phrase!(
            "{}: no hang: {}, after {} items were sent{}",
            outcome.scenario,
            outcome.producer.unwrap_or("the producer never noticed"),
            Measured::Count(outcome.sent),
            panicked
        ),
    }
}

/// Runs each way of shutting down, in good and bad cases, and checks that no thread is left.
pub fn shutdown(consumers: usize) -> Section {
    let mut section = Section::new("shutdown", "Shutting down").about(&format!(
        "{ITEMS} items, {}. Poison pills against closing the channel by dropping \
         every Sender, when all goes well, when a Sender is forgotten, and when the consumers \
         panic (items from {FIRST_MALFORMED} on are malformed); then asyncio's join() pitfall. \
         A hang is detected when nothing moves for {}, then ended.",
        count_of(consumers, "consumer"),
        lesson_kit::value::format_duration(QUIET)
    ));
    let threads_before = thread_count();
    let mut table = Table::new(&[
        ("scenario", "scenario"),
        ("consumed", "consumed"),
        ("hang", "hang detected"),
        ("ended_by", "ended by"),
        ("panics", "consumers panicked"),
    ]);
    for (run, expect) in scenarios() {
        let outcome = run(consumers);
        let ok = outcome.as_expected(expect);
        section.check(ok, describe(&outcome, expect));
        table.row(vec![
            outcome.scenario.into(),
            outcome.consumed().into(),
            if outcome.hang.is_some() { "yes" } else { "no" }.into(),
            outcome.ended_by.into(),
            outcome.panics.len().into(),
        ]);
    }
    let threads_after = thread_count();
    section.check(
        threads_before == threads_after,
        phrase!(
            "no thread left behind: threads before the scenarios {}, after {}",
            Measured::Count(threads_before.unwrap_or(0) as u64),
            Measured::Count(threads_after.unwrap_or(0) as u64)
        ),
    );
    section.table("What happened", table);
    section.verdict(
        "Closing is the Rust idiom: no special item, no count of consumers to get right, and it \
         works in both directions. When every Sender is gone the consumers stop; when every \
         Receiver is gone send() fails, so a producer cannot wait forever for consumers that died.",
    );
    section.verdict(
        "Its one trap is a Sender kept alive by mistake: the consumers then wait forever. Pills \
         do not care about a forgotten Sender, but they hang when the consumers die (put() on a \
         full queue nobody empties) and in asyncio's pattern (join() waiting for pills never \
         marked done).",
    );
    section
}
