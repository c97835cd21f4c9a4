//! Python's `queue.Queue`, written by hand: a `VecDeque` under a `Mutex`, with `Condvar`s to wake
//! the threads that wait.
//!
//! This is what CPython's `queue.Queue` is inside (a deque, a lock and three conditions), so the
//! lesson uses it twice: as the hand-made baseline the channels are timed against, and to replay
//! the Python shutdown patterns, `task_done()`/`join()` included, in Rust. A production program
//! would use a channel (`crossbeam-channel`, or `std::sync::mpsc`), which also knows when all of
//! its senders or all of its receivers are gone. This queue, like Python's, does not.
//!
//! It wakes a sleeping thread only when one sleeps. std's `Condvar` on Linux is a futex, and its
//! `notify_one` makes a `futex` system call every time, whether or not a thread waits (Rust 1.95,
//! `library/std/src/sys/sync/condvar/futex.rs`), while CPython's `Condition.notify()` returns at
//! once when its list of waiters is empty (CPython 3.11, `Lib/threading.py`). So the queue counts
//! its sleepers, as the condition variable of "Rust Atomics and Locks" (chapter 9) counts its
//! waiters. [`PythonQueue::notifying_always`] builds the naive version, to measure the difference.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// `put` or `get` on a queue that was shut down (Python 3.13's `queue.ShutDown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutDown;

/// How often threads went to sleep in the queue, and how often one was woken (a `notify_one`
/// call, a system call with std's futex `Condvar`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sleeps {
    pub slept: u64,
    pub notified: u64,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    /// Items put and not yet marked done with `task_done`, as Python counts them.
    unfinished: usize,
    shut_down: bool,
    /// Threads asleep in `get()` and in `put()`: a notify with nobody asleep is wasted.
    getters_asleep: usize,
    putters_asleep: usize,
    sleeps: Sleeps,
}

/// A FIFO queue for threads, with Python's `queue.Queue` methods.
#[derive(Debug)]
pub struct PythonQueue<T> {
    state: Mutex<State<T>>,
    /// `0` means unbounded, as in Python.
    maxsize: usize,
    not_empty: Condvar,
    not_full: Condvar,
    all_tasks_done: Condvar,
    /// The naive version: notify on every put and get, asleep or not.
    notify_always: bool,
}

impl<T> PythonQueue<T> {
    /// `queue.Queue(maxsize)`: `0` for no limit. Notifies only when a thread is asleep.
    pub fn new(maxsize: usize) -> PythonQueue<T> {
        PythonQueue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                unfinished: 0,
                shut_down: false,
                getters_asleep: 0,
                putters_asleep: 0,
                sleeps: Sleeps::default(),
            }),
            maxsize,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
            notify_always: false,
        }
    }

    /// The same queue notifying on every `put` and `get`, whether a thread sleeps or not.
    pub fn notifying_always(maxsize: usize) -> PythonQueue<T> {
        PythonQueue {
            notify_always: true,
            ..PythonQueue::new(maxsize)
        }
    }

    /// How often threads slept in this queue and were notified, so far.
    pub fn sleeps(&self) -> Sleeps {
        self.lock().sleeps
    }

    /// Wakes one thread asleep on `condvar`, if `asleep` says one is, and stops counting it: like
    /// CPython's `Condition.notify()`, which takes each waiter it wakes off its list, so that
    /// the next put does not notify a thread that is already awake. The count is read under the
    /// lock a sleeper holds until `wait` releases it, so no sleeper is missed. A thread woken
    /// without a notify (a spurious wake-up) is counted twice until the next notify: one notify
    /// too many, never one too few.
    fn wake_one(&self, condvar: &Condvar, asleep: &mut usize, sleeps: &mut Sleeps) {
        if *asleep > 0 || self.notify_always {
            *asleep = asleep.saturating_sub(1);
            sleeps.notified += 1;
            condvar.notify_one();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A thread that panicked while holding the lock left the state consistent: every method
        // changes it in one step.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // ANCHOR: put_get
    /// Adds an item, waiting while the queue is full.
    pub fn put(&self, item: T) -> Result<(), ShutDown> {
        let mut state = self.lock();
        while self.maxsize > 0 && state.items.len() >= self.maxsize && !state.shut_down {
            state.putters_asleep += 1; // the notify that wakes this thread uncounts it
            state.sleeps.slept += 1;
            state = self.not_full.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.shut_down {
            return Err(ShutDown);
        }
        state.items.push_back(item);
        state.unfinished += 1;
        let state = &mut *state;
        self.wake_one(
            &self.not_empty,
            &mut state.getters_asleep,
            &mut state.sleeps,
        );
        Ok(())
    }

    /// Takes the oldest item, waiting while the queue is empty.
    pub fn get(&self) -> Result<T, ShutDown> {
        let mut state = self.lock();
        loop {
            if state.shut_down {
                return Err(ShutDown);
            }
            if let Some(item) = state.items.pop_front() {
                let state = &mut *state;
                self.wake_one(&self.not_full, &mut state.putters_asleep, &mut state.sleeps);
                return Ok(item);
            }
            state.getters_asleep += 1; // the notify that wakes this thread uncounts it
            state.sleeps.slept += 1;
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
    // ANCHOR_END: put_get

    /// Marks one item taken with `get` as processed.
    pub fn task_done(&self) {
        let mut state = self.lock();
        state.unfinished = state.unfinished.saturating_sub(1);
        if state.unfinished == 0 {
            self.all_tasks_done.notify_all();
        }
    }

    /// Python's `join()`, with a time limit Python's lacks: waits until every item put has been
    /// marked done. `Err(n)`: `n` items were still unfinished when the time ran out.
    pub fn join_timeout(&self, limit: Duration) -> Result<(), usize> {
        let deadline = Instant::now() + limit;
        let mut state = self.lock();
        while state.unfinished > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(state.unfinished);
            }
            state = self
                .all_tasks_done
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        Ok(())
    }

    /// Python 3.13's `shutdown(immediate=True)`: drops the queued items and wakes every waiting
    /// thread; from now on `put` and `get` fail with [`ShutDown`]. Returns how many items it dropped.
    pub fn shut_down(&self) -> usize {
        let mut state = self.lock();
        state.shut_down = true;
        let dropped = state.items.len();
        state.items.clear();
        state.unfinished = 0;
        (state.getters_asleep, state.putters_asleep) = (0, 0);
        self.not_empty.notify_all();
        self.not_full.notify_all();
        self.all_tasks_done.notify_all();
        dropped
    }

    /// Items waiting in the queue now.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_in_first_out_and_join() {
        let queue = PythonQueue::new(0);
        queue.put(1).unwrap();
        queue.put(2).unwrap();
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.get(), Ok(1));
        queue.task_done();
        assert_eq!(queue.join_timeout(Duration::from_millis(10)), Err(1));
        assert_eq!(queue.get(), Ok(2));
        queue.task_done();
        assert_eq!(queue.join_timeout(Duration::from_millis(10)), Ok(()));
    }

    #[test]
    fn nobody_asleep_means_no_notify() {
        let queue = PythonQueue::new(0);
        for item in 0..100 {
            queue.put(item).unwrap();
        }
        while queue.get().unwrap() < 99 {}
        assert_eq!(queue.sleeps(), Sleeps::default());
        let naive = PythonQueue::notifying_always(0);
        naive.put(1).unwrap();
        naive.get().unwrap();
        assert_eq!(naive.sleeps().notified, 2);
    }

    #[test]
    fn a_sleeping_getter_is_woken_once() {
        let queue = PythonQueue::new(0);
        std::thread::scope(|s| {
            let getter = s.spawn(|| queue.get());
            while queue.sleeps().slept == 0 {
                std::thread::yield_now();
            }
            queue.put(7).unwrap();
            queue.put(8).unwrap(); // the getter is already woken: no second notify
            assert_eq!(getter.join().unwrap(), Ok(7));
        });
        assert_eq!(
            queue.sleeps(),
            Sleeps {
                slept: 1,
                notified: 1
            }
        );
    }

    #[test]
    fn a_full_queue_makes_put_wait_until_shut_down() {
        let queue = PythonQueue::new(1);
        queue.put(1).unwrap();
        std::thread::scope(|s| {
            let blocked = s.spawn(|| queue.put(2));
            std::thread::sleep(Duration::from_millis(20));
            assert!(
                !blocked.is_finished(),
                "put must wait while the queue is full"
            );
            assert_eq!(queue.shut_down(), 1);
            assert_eq!(blocked.join().unwrap(), Err(ShutDown));
        });
        assert_eq!(queue.get(), Err(ShutDown));
    }
}
