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
//! that keep retrying and never get anywhere (a livelock), or a wait the graph cannot see.
//!
//! A production program would not wrap its locks like this. parking_lot has a
//! `deadlock_detection` feature that finds the same cycles for debugging (see the chapter), and the
//! best fix is the one this lesson ends with: a lock order that makes a cycle impossible.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

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

/// One atomic word on its own cache line: each thread writes its own slot, so publishing what
/// it does costs no contention with the other threads.
#[repr(align(64))]
#[derive(Default)]
struct Slot(AtomicUsize);

/// What `slot` holds when nothing is there; indexes are stored plus one.
const EMPTY: usize = 0;

/// A lock the watchdog can see: a parking_lot mutex with a number in the wait-for graph.
pub struct Lock<T> {
    id: usize,
    mutex: Mutex<T>,
}

impl<T> Lock<T> {
    /// Lock number `id` of its graph: the graph names it `lock_names[id]`.
    pub fn new(id: usize, value: T) -> Lock<T> {
        Lock {
            id,
            mutex: Mutex::new(value),
        }
    }

    pub fn id(&self) -> usize {
        self.id
    }

    pub fn into_inner(self) -> T {
        self.mutex.into_inner()
    }
}

/// A lock held through the graph. Dropping it tells the graph first, then unlocks.
pub struct Held<'a, T> {
    guard: MutexGuard<'a, T>,
    holder: &'a Slot,
    lock: usize,
}

impl<T> Held<'_, T> {
    /// The number of the lock held.
    pub fn lock(&self) -> usize {
        self.lock
    }
}

impl<T> std::ops::Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for Held<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        // Cleared before the mutex unlocks (the guard field drops after this): the graph may
        // briefly miss a holder, but it never names a holder that has let go.
        self.holder.0.store(EMPTY, Ordering::Release);
    }
}

/// Who holds which lock and who waits for which, published by the threads as they go.
pub struct WaitForGraph {
    thread_names: Vec<String>,
    lock_names: Vec<String>,
    /// Per thread: the lock it waits for, plus one.
    waiting_for: Vec<Slot>,
    /// Per thread: a new number for every wait, so a cycle seen twice is known to be the same one.
    wait_ids: Vec<Slot>,
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
            waiting_for: slots(thread_names.len()),
            wait_ids: slots(thread_names.len()),
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
        // Only thread `me` writes its slot, so a plain load and store is enough (no contention).
        let slot = &self.progress[me].0;
        slot.store(slot.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
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
        let holds = self
            .holders
            .iter()
            .any(|h| h.0.load(Ordering::Acquire) == t + 1);
        let waits_on_held = match self.waiting_for[t].0.load(Ordering::Acquire) {
            EMPTY => false,
            lock => self.holders[lock - 1].0.load(Ordering::Acquire) != EMPTY,
        };
        holds || waits_on_held
    }

    fn begin_wait(&self, me: usize, lock: usize) {
        self.wait_ids[me].0.fetch_add(1, Ordering::Relaxed);
        self.waiting_for[me].0.store(lock + 1, Ordering::Release);
    }

    fn end_wait(&self, me: usize) {
        self.waiting_for[me].0.store(EMPTY, Ordering::Release);
    }

    /// Published after the mutex is taken and the wait has ended, so the graph never shows a
    /// thread waiting for a lock it holds itself.
    fn hold<'a, T>(&'a self, me: usize, lock: usize, guard: MutexGuard<'a, T>) -> Held<'a, T> {
        let holder = &self.holders[lock];
        holder.0.store(me + 1, Ordering::Release);
        Held {
            guard,
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
                let lock = match self.waiting_for[thread].0.load(Ordering::Acquire) {
                    EMPTY => break,
                    lock => lock - 1,
                };
                let id = self.wait_ids[thread].0.load(Ordering::Relaxed);
                path.push(Wait { thread, lock, id });
                let next = match self.holders[lock].0.load(Ordering::Acquire) {
                    EMPTY => break,
                    holder => holder - 1,
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

    fn deadlock(&self, cycle: &[Wait], after: Duration) -> Stuck {
        let steps = cycle
            .iter()
            .enumerate()
            .map(|(i, wait)| {
                let previous = cycle[(i + cycle.len() - 1) % cycle.len()];
                let next = cycle[(i + 1) % cycle.len()];
                Step {
                    thread: self.thread_names[wait.thread].clone(),
                    holds: self.lock_names[previous.lock].clone(),
                    waits_for: self.lock_names[wait.lock].clone(),
                    held_by: self.thread_names[next.thread].clone(),
                }
            })
            .collect();
        Stuck::Deadlock {
            cycle: steps,
            after,
        }
    }

    /// The watchdog's loop: looks every [`SCAN`] until `finished`, or until it finds the threads
    /// stuck; then it cancels every wait and says why.
    fn watch(&self, finished: &AtomicBool, started: Instant) -> Option<Stuck> {
        let mut suspect: Option<(Vec<Wait>, Instant)> = None;
        let total_progress = || -> usize {
            self.progress
                .iter()
                .map(|p| p.0.load(Ordering::Relaxed))
                .sum()
        };
        let (mut progress, mut moved_at) = (total_progress(), Instant::now());
        while !finished.load(Ordering::Acquire) {
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
            let now = total_progress();
            if now != progress {
                (progress, moved_at) = (now, Instant::now());
            }
            let stuck = stuck.or_else(|| {
                (moved_at.elapsed() >= STALL).then(|| Stuck::NoProgress {
                    quiet_for: moved_at.elapsed(),
                })
            });
            if let Some(stuck) = stuck {
                self.cancelled.store(true, Ordering::Release);
                return Some(stuck);
            }
        }
        None
    }
}

/// One wait in the graph: `thread` waits for `lock`; `id` tells this wait from its others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wait {
    thread: usize,
    lock: usize,
    id: usize,
}

/// One thread of a deadlock cycle, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub thread: String,
    pub holds: String,
    pub waits_for: String,
    pub held_by: String,
}

/// Why the watchdog called the threads off.
#[derive(Debug, Clone, PartialEq)]
pub enum Stuck {
    /// Each thread of the cycle waits for a lock the next one holds; `after` is counted from the
    /// start of the run to the moment the watchdog was sure.
    Deadlock { cycle: Vec<Step>, after: Duration },
    /// Nothing moved for this long, and no thread was in a cycle.
    NoProgress { quiet_for: Duration },
}

impl Stuck {
    pub fn is_deadlock(&self) -> bool {
        matches!(self, Stuck::Deadlock { .. })
    }

    /// The report in words: one line per thread of the cycle.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Stuck::Deadlock { cycle, .. } => cycle
                .iter()
                .map(|s| {
                    format!(
                        "{} holds {} and waits for {}, which {} holds",
                        s.thread, s.holds, s.waits_for, s.held_by
                    )
                })
                .collect(),
            Stuck::NoProgress { quiet_for } => vec![format!(
                "no thread made progress for {}, and none was waiting in a cycle: threads that \
                 keep retrying without getting anywhere (a livelock), or a wait the watchdog cannot see",
                lesson_kit::value::format_duration(*quiet_for)
            )],
        }
    }
}

/// Runs `work` with a watchdog thread beside it, and returns what `work` returned and what the
/// watchdog found. `work` must join every thread it starts (`thread::scope` does), and its threads
/// must wait through `graph`, so that a deadlock ends in [`Cancelled`] instead of a hang. When this
/// returns, the watchdog has been joined too.
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
        self.finished.store(true, Ordering::Release);
        self.watchdog.unpark();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[test]
    fn a_cycle_of_two_is_found_named_and_called_off() {
        let graph = WaitForGraph::new(["t0", "t1"], ["A", "B"]);
        let (a, b) = (Lock::new(0, ()), Lock::new(1, ()));
        let both_hold_one = Barrier::new(2);
        let (results, stuck) = watched(&graph, || {
            thread::scope(|s| {
                let one = s.spawn(|| {
                    let _a = graph.lock(0, &a)?;
                    both_hold_one.wait();
                    graph.lock(0, &b).map(|_| ())
                });
                let two = s.spawn(|| {
                    let _b = graph.lock(1, &b)?;
                    both_hold_one.wait();
                    graph.lock(1, &a).map(|_| ())
                });
                (one.join().unwrap(), two.join().unwrap())
            })
        });
        assert_eq!(results, (Err(Cancelled), Err(Cancelled)));
        let stuck = stuck.expect("a deadlock");
        assert_eq!(
            stuck.lines(),
            vec![
                "t0 holds A and waits for B, which t1 holds",
                "t1 holds B and waits for A, which t0 holds"
            ]
        );
    }

    #[test]
    fn a_thread_waiting_for_a_lock_it_holds_is_a_cycle_of_one() {
        let graph = WaitForGraph::new(["t0"], ["A"]);
        let a = Lock::new(0, ());
        let (result, stuck) = watched(&graph, || {
            let _first = graph.lock(0, &a)?;
            graph.lock(0, &a).map(|_| ())
        });
        assert_eq!(result, Err(Cancelled));
        assert_eq!(
            stuck.unwrap().lines(),
            vec!["t0 holds A and waits for A, which t0 holds"]
        );
    }

    #[test]
    fn timed_waits_that_give_up_are_no_deadlock() {
        let graph = WaitForGraph::new(["t0", "t1"], ["A", "B"]);
        let (a, b) = (Lock::new(0, 0u32), Lock::new(1, 0u32));
        let (done, stuck) = watched(&graph, || {
            thread::scope(|s| {
                for (me, first, second) in [(0, &a, &b), (1, &b, &a)] {
                    let graph = &graph;
                    s.spawn(move || {
                        let mut done = 0;
                        while done < 200 {
                            let mut x = graph.lock(me, first).unwrap();
                            if let Some(mut y) = graph
                                .try_lock_for(me, second, Duration::from_micros(200))
                                .unwrap()
                            {
                                *x += 1;
                                *y += 1;
                                done += 1;
                                graph.made_progress(me);
                            }
                        }
                    });
                }
            });
            a.mutex.lock().to_owned() + b.mutex.lock().to_owned()
        });
        assert_eq!(stuck, None);
        assert_eq!(done, 800);
    }

    #[test]
    fn work_that_finishes_stops_the_watchdog_at_once() {
        let graph = WaitForGraph::new(["t0"], ["A"]);
        let started = Instant::now();
        let (value, stuck) = watched(&graph, || 7);
        assert_eq!((value, stuck), (7, None));
        assert!(started.elapsed() < Duration::from_millis(500));
    }
}
