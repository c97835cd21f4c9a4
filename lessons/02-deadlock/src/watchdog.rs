//! The watchdog: finds a deadlock in a wait-for graph, says who waits for whom, and calls it off.
//!
//! A thread blocked in a plain `lock()` can never be freed: nothing takes a lock away from the
//! thread that holds it, and nothing makes `lock()` give up. A program that deadlocks that way can
//! only be killed. So the threads of this lesson wait in a way that can be called off: they try
//! the lock for a millisecond at a time (`try_lock_for`) and check a cancel flag in between.
//!
//! While they wait they publish two facts: which lock each thread waits for, and which thread
//! holds each lock. That is the *wait-for graph*. A watchdog thread follows it: thread 1 waits for
//! lock B, which thread 2 holds; thread 2 waits for lock A, which thread 1 holds. A cycle that
//! stays the same for [`PATIENCE`] is a deadlock: every thread in it waits for the next, and none
//! can ever go on. The watchdog reports the cycle, sets the cancel flag, the waits return
//! [`Cancelled`], the threads unwind and are joined. No thread is left behind.
//!
//! The watchdog also notices when nothing moves at all for [`STALL`] without a cycle: threads
//! that keep retrying and never get anywhere (a livelock), or a wait the graph cannot see. The
//! cycle search is this lesson's own (it is the lesson); the stall rule is the kit's `Stall`,
//! shared with every lesson that tells a hang from a slow run.
//!
//! A production program would not wrap its locks like this. parking_lot has a
//! `deadlock_detection` feature that finds the same cycles for debugging (see the chapter), and the
//! best fix is the one this lesson ends with: a lock order that makes a cycle impossible.

mod lock;
mod stuck;
#[cfg(test)]
mod tests;
mod watch;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::MutexGuard;

pub use lock::{Held, Lock};
pub use stuck::{Step, Stuck};
pub use watch::watched;

/// How long one slice of a wait lasts before the thread checks whether it was cancelled.
const SLICE: Duration = Duration::from_millis(1);

/// How often the watchdog looks at the graph.
const SCAN: Duration = Duration::from_millis(2);

/// A cycle must stay unchanged this long to count as a deadlock. A wait with a time limit
/// (`try_lock_for`) may be part of a cycle for a moment and then give up; that is no deadlock.
pub const PATIENCE: Duration = Duration::from_millis(20);

/// No thread reporting progress for this long, and no cycle: a livelock, or a wait the graph
/// cannot see. Far longer than any step of work in this lesson.
pub const STALL: Duration = Duration::from_secs(1);

/// The wait was called off by the watchdog: the thread was caught in a deadlock (or a stall).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the watchdog called off the wait")
    }
}

impl std::error::Error for Cancelled {}

/// One word of the graph, on its own cache line: each thread writes only its own words, so
/// publishing what it does costs no contention with the other threads.
///
/// Every word is read and written `Relaxed`. Nothing is handed over through the graph, so no
/// Release/Acquire pair has work to do, and no ordering could turn the watchdog's scan, one word
/// after another while the threads move, into a snapshot. What makes a reported deadlock real is
/// stability: a thread's lock and wait number share one word, so one load reads them together; a
/// thread inside one wait takes and lets go of nothing; so a cycle in which every thread is still
/// in the same wait, scan after scan for [`PATIENCE`], is a cycle of threads that were all stuck
/// all that time. All that is assumed is that a store reaches the other cores far sooner than
/// `PATIENCE`, which the memory model asks of every implementation (C++20 [atomics.order]:
/// "within a reasonable amount of time"; Rust's atomics follow C++20's model).
#[repr(align(64))]
#[derive(Default)]
struct Slot(AtomicU64);

impl Slot {
    fn load(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn store(&self, value: u64) {
        self.0.store(value, Ordering::Relaxed)
    }
}

/// What a slot holds when nothing is there; thread and lock numbers are stored plus one.
const EMPTY: u64 = 0;

/// A thread's wait in one word: the wait's number in the high half, the lock plus one in the low.
fn wait_word(number: u64, lock: usize) -> u64 {
    (number << 32) | (lock as u64 + 1)
}

/// Who holds which lock and who waits for which, published by the threads as they go.
pub struct WaitForGraph {
    thread_names: Vec<String>,
    lock_names: Vec<String>,
    /// Per thread: the wait it is in ([`wait_word`]), or `EMPTY`.
    waiting: Vec<Slot>,
    /// Per thread: how many waits it has begun (written and read by that thread only).
    waits_begun: Vec<Slot>,
    /// Per lock: the thread that holds it, plus one.
    holders: Vec<Slot>,
    /// Per thread: steps of work done, for the stall check.
    progress: Vec<Slot>,
    cancelled: AtomicBool,
}

impl WaitForGraph {
    /// A graph of `threads` and `locks`, named as the report should call them.
    pub fn new<T: Into<String>, L: Into<String>>(
        threads: impl IntoIterator<Item = T>,
        locks: impl IntoIterator<Item = L>,
    ) -> WaitForGraph {
        let thread_names: Vec<String> = threads.into_iter().map(Into::into).collect();
        let lock_names: Vec<String> = locks.into_iter().map(Into::into).collect();
        let slots = |n: usize| (0..n).map(|_| Slot::default()).collect::<Vec<_>>();
        WaitForGraph {
            waiting: slots(thread_names.len()),
            waits_begun: slots(thread_names.len()),
            holders: slots(lock_names.len()),
            progress: slots(thread_names.len()),
            thread_names,
            lock_names,
            cancelled: AtomicBool::new(false),
        }
    }

    // ANCHOR: lock
    /// Thread `me` takes `lock`, waiting as long as it takes, unless the watchdog calls it off.
    pub fn lock<'a, T>(&'a self, me: usize, lock: &'a Lock<T>) -> Result<Held<'a, T>, Cancelled> {
        // Once the watchdog has called the run off, nothing more is handed out.
        if self.is_cancelled() {
            return Err(Cancelled);
        }
        if let Some(guard) = lock.mutex.try_lock() {
            return Ok(self.hold(me, lock.id, guard));
        }
        self.begin_wait(me, lock.id);
        loop {
            if self.is_cancelled() {
                self.end_wait(me);
                return Err(Cancelled);
            }
            if let Some(guard) = lock.mutex.try_lock_for(SLICE) {
                self.end_wait(me);
                // A lock freed by a thread that was called off is not handed on.
                if self.is_cancelled() {
                    return Err(Cancelled);
                }
                return Ok(self.hold(me, lock.id, guard));
            }
        }
    }
    // ANCHOR_END: lock

    /// Thread `me` tries `lock` for at most `timeout`: `Ok(None)` if it was not free in time.
    pub fn try_lock_for<'a, T>(
        &'a self,
        me: usize,
        lock: &'a Lock<T>,
        timeout: Duration,
    ) -> Result<Option<Held<'a, T>>, Cancelled> {
        if self.is_cancelled() {
            return Err(Cancelled);
        }
        if let Some(guard) = lock.mutex.try_lock() {
            return Ok(Some(self.hold(me, lock.id, guard)));
        }
        let deadline = Instant::now() + timeout;
        self.begin_wait(me, lock.id);
        let outcome = loop {
            if self.is_cancelled() {
                break Err(Cancelled);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match lock.mutex.try_lock_for(left.min(SLICE)) {
                Some(guard) => break Ok(Some(guard)),
                None if left <= SLICE => break Ok(None),
                None => {}
            }
        };
        self.end_wait(me);
        match outcome {
            Ok(Some(_)) if self.is_cancelled() => Err(Cancelled),
            outcome => outcome.map(|guard| guard.map(|guard| self.hold(me, lock.id, guard))),
        }
    }

    /// Thread `me` finished one step of work: the stall check sees that things move.
    pub fn made_progress(&self, me: usize) {
        // Only thread `me` writes its slot, so a load and a store need no read-modify-write.
        let slot = &self.progress[me];
        slot.store(slot.load() + 1);
    }

    pub fn is_cancelled(&self) -> bool {
        // Relaxed, like the graph: the flag hands nothing over, it only has to become visible.
        self.cancelled.load(Ordering::Relaxed)
    }

    pub fn thread_count(&self) -> usize {
        self.thread_names.len()
    }

    /// True once every thread holds a lock or waits for one that another thread holds: from then
    /// on nobody can slip through. Lessons use it to hold a window open on purpose.
    pub fn everyone_holds_or_waits(&self) -> bool {
        (0..self.thread_names.len()).all(|t| self.holds_or_waits(t))
    }

    /// True while thread `t` holds a lock or waits for one that another thread holds.
    pub fn holds_or_waits(&self, t: usize) -> bool {
        let holds = self.holders.iter().any(|h| h.load() == t as u64 + 1);
        let waits_on_held = self
            .waiting_for(t)
            .is_some_and(|(lock, _)| self.holders[lock].load() != EMPTY);
        holds || waits_on_held
    }

    fn begin_wait(&self, me: usize, lock: usize) {
        let number = self.waits_begun[me].load() + 1;
        self.waits_begun[me].store(number);
        self.waiting[me].store(wait_word(number, lock));
    }

    fn end_wait(&self, me: usize) {
        self.waiting[me].store(EMPTY);
    }

    /// The lock `thread` waits for and the number of that wait, read in one load.
    fn waiting_for(&self, thread: usize) -> Option<(usize, u64)> {
        match self.waiting[thread].load() {
            EMPTY => None,
            word => Some(((word & u64::from(u32::MAX)) as usize - 1, word >> 32)),
        }
    }

    /// Published after the mutex is taken and the wait has ended, so the graph never shows a
    /// thread waiting for a lock it holds itself.
    fn hold<'a, T>(&'a self, me: usize, lock: usize, guard: MutexGuard<'a, T>) -> Held<'a, T> {
        let holder = &self.holders[lock];
        holder.store(me as u64 + 1);
        Held {
            guard: Some(guard),
            holder,
            lock,
        }
    }

    // ANCHOR: find_cycle
    /// A cycle of waits, if there is one now: each thread in it waits for a lock the next one
    /// holds, and the last for a lock the first holds. It starts at its lowest-numbered thread,
    /// so the same cycle is always reported the same way.
    fn find_cycle(&self) -> Option<Vec<Wait>> {
        let n = self.thread_names.len();
        for start in 0..n {
            let mut path: Vec<Wait> = Vec::new();
            let mut thread = start;
            while path.len() < n {
                let Some((lock, id)) = self.waiting_for(thread) else {
                    break;
                };
                path.push(Wait { thread, lock, id });
                let next = match self.holders[lock].load() {
                    EMPTY => break,
                    holder => holder as usize - 1,
                };
                if next == start {
                    return Some(path);
                }
                if path.iter().any(|w| w.thread == next) {
                    break; // a cycle that does not pass through `start`: found from its own start
                }
                thread = next;
            }
        }
        None
    }
    // ANCHOR_END: find_cycle
}

/// One wait in the graph: `thread` waits for `lock`; `id` tells this wait from its others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wait {
    thread: usize,
    lock: usize,
    id: u64,
}
