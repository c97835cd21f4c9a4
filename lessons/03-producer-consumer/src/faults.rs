//! Experiment 4, a consumer that panics: the items it loses must not vanish silently.
//!
//! A panic in a consumer thread does not stop the program: that thread unwinds and ends, the
//! others go on. The item it was processing is gone, and if it was the only consumer, so is every
//! item still queued for it. Nothing says so unless the program keeps accounts: results counted
//! against items sent, each consumer joined and its panic reported, or each item's panic caught
//! and turned into a failure that is reported like a result.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{self, ScopedJoinHandle};

use lesson_kit::table::Table;
use lesson_kit::{Section, phrase};

use crate::items::{count_of, panic_message, process, quiet_expected_panics};

pub const ITEMS: u64 = 1_000;
/// The one malformed item: processing it panics.
pub const MALFORMED: u64 = 700;

fn is_malformed(item: u64) -> bool {
    item == MALFORMED
}

/// What a run processed, and what the program itself knew about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    pub way: &'static str,
    pub consumers: usize,
    /// Items processed, counted by the lesson behind the program's back.
    pub processed: u64,
    /// Items reported as failed, with what went wrong.
    pub failed: Vec<String>,
    /// What the program itself noticed, in words; `None` when it noticed nothing.
    pub noticed: Option<String>,
}

impl Accounts {
    /// Items neither processed nor reported as failed.
    pub fn lost(&self) -> u64 {
        ITEMS - self.processed - self.failed.len() as u64
    }
}

/// The panics of the consumers that panicked, as `join()` reports them.
fn join_all<T>(handles: Vec<ScopedJoinHandle<'_, T>>) -> Vec<String> {
    let mut panics: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().err())
        .map(|payload| panic_message(payload.as_ref()))
        .collect();
    panics.sort();
    panics
}

// ANCHOR: unchecked
/// Sends, then joins the consumers ignoring what `join()` returns: a panic is swallowed, and the
/// program goes on as if every item was processed.
pub fn unchecked(consumers: usize) -> Accounts {
    let processed = AtomicU64::new(0); // the lesson's own count; the program never reads it
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let rx = rx.clone();
                let processed = &processed;
                s.spawn(move || {
                    for item in rx {
                        process(item, is_malformed);
                        processed.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for item in 0..ITEMS {
            let _ = tx.send(item); // an error here would mean "nobody is left": ignored
        }
        drop(tx);
        for handle in handles {
            let _ = handle.join(); // Err(panic) ignored
        }
    });
    Accounts {
        way: "nothing checked",
        consumers,
        processed: processed.into_inner(),
        failed: Vec::new(),
        noticed: None,
    }
}
// ANCHOR_END: unchecked

// ANCHOR: counted
/// Each consumer sends back one result per item; the program counts them against the items it
/// sent and joins every consumer, reporting its panic.
pub fn counted(consumers: usize) -> Accounts {
    let (tx, rx) = crossbeam_channel::unbounded();
    let (results_tx, results) = crossbeam_channel::unbounded();
    let (received, panics) = thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|_| {
                let (rx, results_tx) = (rx.clone(), results_tx.clone());
                s.spawn(move || {
                    for item in rx {
                        results_tx
                            .send((item, process(item, is_malformed)))
                            .unwrap();
                    }
                })
            })
            .collect();
        drop(results_tx); // the results channel closes when the last consumer ends
        for item in 0..ITEMS {
            if tx.send(item).is_err() {
                break; // every consumer is gone: the rest cannot be delivered
            }
        }
        drop(tx);
        let received: Vec<(u64, u64)> = results.iter().collect();
        (received, join_all(handles))
    });
    let missing: Vec<u64> = missing_items(received.iter().map(|&(item, _)| item));
    // ANCHOR_END: counted
    Accounts {
        way: "results counted, panics joined",
        consumers,
        processed: received.len() as u64,
        failed: Vec::new(),
        noticed: (!missing.is_empty() || !panics.is_empty()).then(|| {
            format!(
                "{} results for {ITEMS} items, {}; join() reported: {}",
                received.len(),
                first_missing(&missing),
                panics.join(", ")
            )
        }),
    }
}

// ANCHOR: caught
/// Each item's panic is caught where it happens and sent back as a failure, so the consumer lives
/// on and every item comes back: as a result or as a reported failure.
pub fn caught(consumers: usize) -> Accounts {
    let (tx, rx) = crossbeam_channel::unbounded();
    let (results_tx, results) = crossbeam_channel::unbounded();
    let received: Vec<(u64, Result<u64, String>)> = thread::scope(|s| {
        for _ in 0..consumers {
            let (rx, results_tx) = (rx.clone(), results_tx.clone());
            s.spawn(move || {
                for item in rx {
                    let result = catch_unwind(AssertUnwindSafe(|| process(item, is_malformed)))
                        .map_err(|payload| panic_message(payload.as_ref()));
                    results_tx.send((item, result)).unwrap();
                }
            });
        }
        drop(results_tx);
        for item in 0..ITEMS {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx);
        results.iter().collect()
    });
    // ANCHOR_END: caught
    let failed: Vec<String> = received
        .iter()
        .filter_map(|(item, r)| r.as_ref().err().map(|why| format!("item {item}: {why}")))
        .collect();
    let processed = received.iter().filter(|(_, r)| r.is_ok()).count() as u64;
    let missing = missing_items(received.iter().map(|&(item, _)| item));
    Accounts {
        way: "each item's panic caught",
        consumers,
        processed,
        noticed: Some(format!(
            "{} results and {} failed for {ITEMS} items, {}; failed: {}",
            processed,
            failed.len(),
            first_missing(&missing),
            failed.join(", ")
        )),
        failed,
    }
}

/// Items of `0..ITEMS` that `seen` does not contain.
fn missing_items(seen: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut present = vec![false; ITEMS as usize];
    for item in seen {
        if let Some(slot) = present.get_mut(item as usize) {
            *slot = true;
        }
    }
    (0..ITEMS).filter(|&i| !present[i as usize]).collect()
}

fn first_missing(missing: &[u64]) -> String {
    match missing {
        [] => "none missing".to_string(),
        [one] => format!("item {one} missing"),
        [first, .., last] => format!("{} missing (items {first} to {last})", missing.len()),
    }
}

/// Runs the four ways of handling a consumer's panic and shows which ones lose items silently.
pub fn consumer_panics(consumers: usize) -> Section {
    quiet_expected_panics();
    let mut section = Section::new("consumer-panics", "A consumer panics").about(&format!(
        "{ITEMS} items; processing item {MALFORMED} panics (it is malformed). With one consumer \
         and with {consumers}: nothing checked; results counted and every consumer joined; and \
         each item's panic caught and reported as a failure."
    ));
    let runs = [
        unchecked(1),
        counted(1),
        counted(consumers),
        caught(consumers),
    ];
    let mut table = Table::new(&[
        ("way", "way"),
        ("consumers", "consumers"),
        ("processed", "processed"),
        ("failed", "reported failed"),
        ("lost", "lost"),
        ("visible", "loss visible"),
    ]);
    for run in &runs {
        let who = count_of(run.consumers, "consumer");
        let fact = match &run.noticed {
            None => phrase!(
                "{}, {}: {} of {} items processed, {} lost, and the program noticed nothing",
                run.way,
                who,
                run.processed,
                ITEMS,
                run.lost()
            ),
            Some(noticed) => phrase!(
                "{}, {}: {} lost; the program knows: {}",
                run.way,
                who,
                run.lost(),
                noticed.as_str()
            ),
        };
        // What each way is there to show: a loss nobody sees, a loss that is seen, no loss.
        let holds = match (&run.noticed, run.failed.is_empty()) {
            (None, _) | (Some(_), true) => run.lost() > 0,
            (Some(_), false) => run.lost() == 0,
        };
        section.check(holds, fact);
        table.row(vec![
            run.way.into(),
            run.consumers.into(),
            run.processed.into(),
            run.failed.len().into(),
            run.lost().into(),
            if run.noticed.is_some() { "yes" } else { "no" }.into(),
        ]);
    }
    section.table("Accounts", table);
    section.verdict(
        "A panicking consumer loses the item it holds; a lone consumer loses the rest of the queue \
         with it. Nothing tells you unless you count: send a result back for every item and \
         compare the count with what was sent, and join every consumer to hear its panic.",
    );
    section.verdict(
        "Better still, catch the panic around each item (catch_unwind) and report it as that \
         item's failure: the consumer lives on, and every item comes back, done or failed.",
    );
    section
}
