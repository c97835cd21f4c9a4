//! Python's `queue.Queue`, written by hand: a `VecDeque` under a `Mutex`, with `Condvar`s to wake
//! the threads that wait.
//!
//! This is what CPython's `queue.Queue` is inside (a deque, a lock and three conditions), so the
//! lesson uses it twice: as the hand-made baseline the channels are timed against, and to replay
//! the Python shutdown patterns, `task_done()`/`join()` included, in Rust. A production program
//! would use a channel (`crossbeam-channel`, or `std::sync::mpsc`), which also knows when all of
//! its senders or all of its receivers are gone. This queue, like Python's, does not.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// `put` or `get` on a queue that was shut down (Python 3.13's `queue.ShutDown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutDown;

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    /// Items put and not yet marked done with `task_done`, as Python counts them.
    unfinished: usize,
    shut_down: bool,
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
}

impl<T> PythonQueue<T> {
    /// `queue.Queue(maxsize)`: `0` for no limit.
    pub fn new(maxsize: usize) -> PythonQueue<T> {
        PythonQueue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                unfinished: 0,
                shut_down: false,
            }),
            maxsize,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
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
            state = self.not_full.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.shut_down {
            return Err(ShutDown);
        }
        state.items.push_back(item);
        state.unfinished += 1;
        self.not_empty.notify_one();
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
                self.not_full.notify_one();
                return Ok(item);
            }
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
