//! A GIL simulator: what Python's threads do with CPU work, reproduced in Rust.
//!
//! CPython runs bytecode only while holding the Global Interpreter Lock. It is built the way this
//! module is (CPython 3.13, `Python/ceval_gil.c`): a thread that wants the GIL waits on a
//! condition variable for at most the *switch interval* (`DEFAULT_INTERVAL`, 5000 µs:
//! `sys.getswitchinterval()` is 0.005). If the interval passes and no other thread took the GIL
//! meanwhile, the waiter sets a *drop request*. The holder looks at that flag at every
//! checkpoint of its evaluation loop (the "eval breaker"), and when it is set, releases the GIL
//! and waits until another thread has taken it (`FORCE_SWITCHING`), so it cannot grab it straight
//! back. So threads take turns of about one interval on one core, whatever the number of cores.
//! Lessons 01 and 04 run this beside real threads and processes, to show the Python result and
//! the Rust one in the same run.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::timeline::Recorder;

/// CPython's default switch interval (`DEFAULT_INTERVAL` in `Python/ceval_gil.c`, 3.2 to 3.14).
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// Who holds the GIL, and how often it changed hands.
#[derive(Debug, Default)]
struct State {
    locked: bool,
    /// Incremented by every take: "has anyone taken it since I looked?"
    switches: u64,
}

/// The one lock every simulated Python thread needs in order to compute.
pub struct Gil {
    state: Mutex<State>,
    /// Signalled when the GIL is released (CPython's `gil->cond`).
    released: Condvar,
    /// Signalled when the GIL is taken (CPython's `gil->switch_cond`).
    taken: Condvar,
    /// Set by a waiter whose interval passed; read by the holder at every checkpoint.
    drop_request: AtomicBool,
    switch_interval: Duration,
}

impl Default for Gil {
    fn default() -> Self {
        Gil::new(SWITCH_INTERVAL)
    }
}

impl Gil {
    pub fn new(switch_interval: Duration) -> Gil {
        Gil {
            state: Mutex::new(State::default()),
            released: Condvar::new(),
            taken: Condvar::new(),
            drop_request: AtomicBool::new(false),
            switch_interval,
        }
    }

    /// Runs `work` the way a Python thread would: only while holding the GIL. The work calls
    /// [`PythonThread::checkpoint`] between small steps, where CPython would look at its eval
    /// breaker. Each turn is recorded as a span of `row` in `timeline`.
    pub fn run<T>(
        &self,
        row: usize,
        timeline: &Recorder,
        work: impl FnOnce(&mut PythonThread) -> T,
    ) -> T {
        self.take();
        let mut thread = PythonThread {
            gil: self,
            turn_started: Instant::now(),
            row,
            timeline,
        };
        let result = work(&mut thread);
        timeline.span_since(row, thread.turn_started);
        self.release(false);
        result
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    // ANCHOR: take
    /// Waits for the GIL. Every time a whole interval passes without anyone taking it, asks the
    /// holder to let go.
    fn take(&self) {
        let mut state = self.lock_state();
        while state.locked {
            let switches = state.switches;
            let (next, wait) = self
                .released
                .wait_timeout(state, self.switch_interval)
                .unwrap_or_else(|p| p.into_inner());
            state = next;
            if wait.timed_out() && state.locked && state.switches == switches {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        state.locked = true;
        state.switches += 1;
        // The request, if any, was for the previous holder.
        self.drop_request.store(false, Ordering::Relaxed);
        self.taken.notify_all();
    }
    // ANCHOR_END: take

    /// Lets go of the GIL. `forced`: because a waiter asked; then wait until one has taken it.
    fn release(&self, forced: bool) {
        let mut state = self.lock_state();
        state.locked = false;
        self.released.notify_one();
        if forced {
            // A waiter set the request, and only a thread inside `take` sets it: one will take
            // the GIL, so this wait ends.
            let switches = state.switches;
            while state.switches == switches {
                state = self.taken.wait(state).unwrap_or_else(|p| p.into_inner());
            }
        }
    }
}

/// A thread holding the GIL.
pub struct PythonThread<'a> {
    gil: &'a Gil,
    turn_started: Instant,
    row: usize,
    timeline: &'a Recorder,
}

impl PythonThread<'_> {
    // ANCHOR: checkpoint
    /// Between two steps of work: if a waiting thread asked for the GIL, hand it over and queue
    /// up to get it back. Reading one flag costs next to nothing, so every step can check it.
    pub fn checkpoint(&mut self) {
        if self.gil.drop_request.load(Ordering::Relaxed) {
            self.timeline.span_since(self.row, self.turn_started);
            self.gil.release(true);
            self.gil.take();
            self.turn_started = Instant::now();
        }
    }
    // ANCHOR_END: checkpoint

    // ANCHOR: allow_threads
    /// Runs `work` without the GIL, as C code does around long computations that touch no
    /// Python object (`Py_BEGIN_ALLOW_THREADS`: Pillow's decoders and resampling, NumPy, hashlib).
    /// Other threads run meanwhile; the GIL is taken back before returning.
    pub fn allow_threads<T>(&mut self, work: impl FnOnce() -> T) -> T {
        self.timeline.span_since(self.row, self.turn_started);
        self.gil.release(false);
        let result = work();
        self.gil.take();
        self.turn_started = Instant::now();
        result
    }
    // ANCHOR_END: allow_threads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Span;

    /// `threads` threads under one GIL, each doing `busy` of work in steps of `step` with a
    /// checkpoint after each: a coarse step is like one band of an image resize. The threads
    /// start together on a barrier. Returns the turns, in order.
    fn turns(threads: usize, busy: Duration, step: Duration) -> Vec<Span> {
        let gil = Gil::new(Duration::from_millis(2));
        let timeline = Recorder::new();
        let start_together = std::sync::Barrier::new(threads);
        let steps = busy.as_micros() / step.as_micros().max(1);
        std::thread::scope(|s| {
            for row in 0..threads {
                let (gil, timeline, start_together) = (&gil, &timeline, &start_together);
                s.spawn(move || {
                    start_together.wait();
                    gil.run(row, timeline, |python| {
                        for _ in 0..steps {
                            let step_started = Instant::now();
                            while step_started.elapsed() < step {
                                std::hint::spin_loop();
                            }
                            python.checkpoint();
                        }
                    })
                });
            }
        });
        let rows = (0..threads).map(|r| format!("thread {r}")).collect();
        let mut spans = timeline.finish("t", "t", rows).spans;
        spans.sort_by_key(|s| s.start);
        spans
    }

    /// In a run of many switch intervals, every thread gets turns, turns never overlap, and no
    /// thread has two turns in a row while another is waiting.
    fn assert_taking_turns(threads: usize, step: Duration) {
        let spans = turns(threads, Duration::from_millis(20), step);
        for row in 0..threads {
            assert!(
                spans.iter().any(|s| s.row == row),
                "thread {row} never held the GIL: {spans:?}"
            );
        }
        for pair in spans.windows(2) {
            assert!(pair[1].start >= pair[0].end, "overlapping turns: {pair:?}");
        }
        // Until the first thread finishes, every other one is waiting or holding: turns alternate.
        let first_finish = (0..threads)
            .filter_map(|row| spans.iter().filter(|s| s.row == row).map(|s| s.end).max())
            .min()
            .unwrap_or_default();
        let contended: Vec<&Span> = spans.iter().filter(|s| s.end <= first_finish).collect();
        for pair in contended.windows(2) {
            assert_ne!(pair[0].row, pair[1].row, "two turns in a row: {spans:?}");
        }
        assert!(
            spans.len() >= 2 * threads,
            "the threads should have switched many times: {spans:?}"
        );
    }

    #[test]
    fn threads_under_the_gil_take_turns_with_fine_steps() {
        assert_taking_turns(2, Duration::from_micros(5));
    }

    #[test]
    fn threads_under_the_gil_take_turns_with_coarse_steps() {
        // Steps of 500 µs, a quarter of the interval: still every thread gets turns.
        assert_taking_turns(2, Duration::from_micros(500));
        assert_taking_turns(3, Duration::from_micros(500));
    }

    #[test]
    fn one_thread_alone_keeps_the_gil() {
        let spans = turns(1, Duration::from_millis(20), Duration::from_micros(50));
        assert_eq!(spans.len(), 1, "nobody asked for the GIL: {spans:?}");
    }

    #[test]
    fn work_outside_the_gil_overlaps() {
        let gil = Gil::new(Duration::from_millis(2));
        let timeline = Recorder::new();
        let started = Instant::now();
        std::thread::scope(|s| {
            for row in 0..2 {
                let (gil, timeline) = (&gil, &timeline);
                s.spawn(move || {
                    gil.run(row, timeline, |python| {
                        python.allow_threads(|| std::thread::sleep(Duration::from_millis(100)))
                    })
                });
            }
        });
        // Two 100 ms sleeps without the GIL run side by side: well under 200 ms.
        assert!(
            started.elapsed() < Duration::from_millis(180),
            "{:?}",
            started.elapsed()
        );
    }
}
