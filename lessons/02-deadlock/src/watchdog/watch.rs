//! The watchdog thread: scans the graph beside the work, and calls the work off when it is stuck.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Instant;

use lesson_kit::stall::Stall;

use super::{PATIENCE, SCAN, STALL, Stuck, Wait, WaitForGraph};

impl WaitForGraph {
    /// The watchdog's loop: looks every [`SCAN`] until `finished`, or until it finds the threads
    /// stuck; then it cancels every wait and says why.
    fn watch(&self, finished: &AtomicBool, started: Instant) -> Option<Stuck> {
        let mut suspect: Option<(Vec<Wait>, Instant)> = None;
        let total_progress = || -> u64 { self.progress.iter().map(|p| p.load()).sum() };
        let mut stall = Stall::new(STALL, total_progress());
        while !finished.load(Ordering::Relaxed) {
            thread::park_timeout(SCAN);
            let cycle = self.find_cycle();
            if !matches!((&cycle, &suspect), (Some(c), Some((seen, _))) if c == seen) {
                suspect = cycle.map(|c| (c, Instant::now()));
            }
            // The same waits, in the same cycle, for PATIENCE: nobody in it can move.
            let stuck = match &suspect {
                Some((cycle, since)) if since.elapsed() >= PATIENCE => {
                    Some(self.deadlock(cycle, started.elapsed()))
                }
                _ => None,
            };
            // Nothing moved for STALL, and no cycle: a livelock, or a wait the graph cannot see.
            let stalled = stall.look(total_progress());
            let stuck = stuck.or(stalled.map(|quiet_for| Stuck::NoProgress { quiet_for }));
            if let Some(stuck) = stuck {
                self.cancelled.store(true, Ordering::Relaxed);
                return Some(stuck);
            }
        }
        None
    }
}

/// Runs `work` with a watchdog thread beside it, and returns what `work` returned and what the
/// watchdog found. `work` must join every thread it starts (`thread::scope` does), and its threads
/// must wait through `graph`, so that a deadlock ends in [`Cancelled`](super::Cancelled) instead
/// of a hang. When this returns, the watchdog has been joined too.
pub fn watched<R>(graph: &WaitForGraph, work: impl FnOnce() -> R) -> (R, Option<Stuck>) {
    let started = Instant::now();
    let finished = AtomicBool::new(false);
    thread::scope(|s| {
        let watchdog = s.spawn(|| graph.watch(&finished, started));
        // Stops the watchdog even if `work` panics, so the scope can join it.
        let _stop = StopWatchdog {
            finished: &finished,
            watchdog: watchdog.thread().clone(),
        };
        let result = work();
        drop(_stop);
        let stuck = watchdog.join().expect("the watchdog does not panic");
        (result, stuck)
    })
}

struct StopWatchdog<'a> {
    finished: &'a AtomicBool,
    watchdog: thread::Thread,
}

impl Drop for StopWatchdog<'_> {
    fn drop(&mut self) {
        // The watchdog's findings come back through `join`, not through this flag: no ordering
        // is needed beyond the flag becoming visible.
        self.finished.store(true, Ordering::Relaxed);
        self.watchdog.unpark();
    }
}
