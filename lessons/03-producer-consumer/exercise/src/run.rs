//! The runner's side: one watched run of the answer's `pipeline()`, reported as raw facts.
//!
//! A pipeline that never shuts down does not fail, it waits forever. So the run is watched: when
//! nothing moves for [`QUIET`] (no item taken or processed, no memory grown, planned waits
//! aside) and `pipeline()` has not returned, the report says so, with how far it got. The judge then ends the runner and its stuck threads.

use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use lesson_kit::stall::Stall;
use serde::{Deserialize, Serialize};

use crate::Setup;
use crate::stage::{Items, Ledger, Stage};

/// The function the exercise asks for.
pub type Pipeline = fn(Items, Stage, usize, usize) -> Vec<u64>;

/// Nothing moving for this long while `pipeline()` has not returned is a hang.
pub const QUIET: Duration = Duration::from_secs(2);

/// What one run did, as the accounts saw it. The judge decides what it means.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// What `pipeline()` returned; `None` if it had not returned after [`QUIET`] of stillness.
    pub results: Option<Vec<u64>>,
    /// How often each item was processed.
    pub times_processed: Vec<u32>,
    /// Items taken from `Items`, and items whose processing started.
    pub taken: u64,
    pub started: u64,
    /// The most items taken and not yet being processed, at any moment.
    pub peak_backlog: u64,
    /// Different threads that called `process`.
    pub threads: usize,
    /// Copies of the stage or the items still held when `pipeline()` returned.
    pub held_at_return: usize,
    /// Calls of `process` still running when `pipeline()` returned.
    pub unfinished_at_return: u64,
    /// Items whose processing started after the producer's pause ended.
    pub started_after_pause: Option<u64>,
    /// From the last call of `process` returning to `pipeline()` returning, in milliseconds
    /// (`None`: it did not return, or processed nothing).
    pub returned_after_last_ms: Option<u64>,
}

/// Runs `pipeline` once on `setup`'s items, watched. A panic in it is passed on to the runner.
pub fn watched(pipeline: Pipeline, setup: Setup) -> Report {
    let ledger = Ledger::new(&setup);
    let (items, stage) = ledger.hand_out();
    let (done, returned) = mpsc::channel();
    let watched = Arc::clone(&ledger);
    let helper = thread::spawn(move || {
        watched.note_caller();
        let results = pipeline(items, stage, setup.workers, setup.capacity);
        // The watch holds one reference and this thread another; any other is a copy of the
        // stage or the items that some thread of the answer still holds.
        let held = Arc::strong_count(&watched) - 2;
        let lag = watched.since_last_finish();
        let _ = done.send((results, held, watched.unfinished(), lag));
    });
    // Memory still growing is movement too: an answer that allocates without bound is then
    // stopped by the memory limit, and reported so, rather than taken for a hang.
    let moved = || (ledger.progress(), memory_pages());
    let mut stall = Stall::new(QUIET, moved());
    loop {
        match returned.recv_timeout(Duration::from_millis(10)) {
            Ok((results, held, unfinished, lag)) => {
                let _ = helper.join();
                let mut report = report(&ledger, Some(results), held, unfinished);
                report.returned_after_last_ms = lag.map(|lag| lag.as_millis() as u64);
                return report;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => match helper.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("the helper sends before it ends"),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if ledger.waiting_on_purpose() {
                    stall = Stall::new(QUIET, moved()); // a pause the setup asked for
                } else if stall.look(moved()).is_some() {
                    // The helper stays blocked; the judge ends this runner with it.
                    return report(&ledger, None, 0, 0);
                }
            }
        }
    }
}

fn report(ledger: &Ledger, results: Option<Vec<u64>>, held: usize, unfinished: u64) -> Report {
    Report {
        results,
        times_processed: ledger.all_times_processed(),
        taken: ledger.taken(),
        started: ledger.processed(),
        peak_backlog: ledger.peak_backlog(),
        threads: ledger.threads(),
        held_at_return: held,
        unfinished_at_return: unfinished,
        started_after_pause: ledger.started_after_pause(),
        returned_after_last_ms: None,
    }
}

/// This process's address space, in pages (`/proc/self/statm`; 0 where there is none).
fn memory_pages() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
