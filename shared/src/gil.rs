//! A GIL simulator: what Python's threads do with CPU work, reproduced in Rust.
//!
//! CPython runs bytecode only while holding the Global Interpreter Lock. A thread that computes
//! holds it; every *switch interval* (5 ms by default, `sys.getswitchinterval()`) it is asked to
//! drop it, and a waiting thread takes over. So threads take turns on one core, whatever the
//! number of cores. Here every thread must hold one global lock while it computes and hands it to
//! a waiting thread every interval, exactly like that. Lessons 01 and 04 run it beside real
//! threads and processes to show the Python result and the Rust one in the same run.

use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

use crate::timeline::Recorder;

/// CPython's default switch interval.
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// The one lock every simulated Python thread needs in order to compute.
pub struct Gil {
    lock: Mutex<()>,
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
            lock: Mutex::new(()),
            switch_interval,
        }
    }

    /// Runs `work` the way a Python thread would: only while holding the GIL. The work calls
    /// [`PythonThread::checkpoint`] between small steps, where CPython would check whether to
    /// switch. Each turn is recorded as a span of `row` in `timeline`.
    pub fn run<T>(
        &self,
        row: usize,
        timeline: &Recorder,
        work: impl FnOnce(&mut PythonThread) -> T,
    ) -> T {
        let mut thread = PythonThread {
            guard: self.lock.lock(),
            switch_interval: self.switch_interval,
            turn_started: Instant::now(),
            steps: 0,
            row,
            timeline,
        };
        let result = work(&mut thread);
        timeline.span_since(row, thread.turn_started);
        result
    }
}

/// A thread holding the GIL.
pub struct PythonThread<'a> {
    guard: MutexGuard<'a, ()>,
    switch_interval: Duration,
    turn_started: Instant,
    steps: u32,
    row: usize,
    timeline: &'a Recorder,
}

impl PythonThread<'_> {
    // ANCHOR: checkpoint
    /// Between two steps of work: after a switch interval, hand the GIL to a waiting thread.
    pub fn checkpoint(&mut self) {
        self.steps = self.steps.wrapping_add(1);
        // CPython checks its "eval breaker" between bytecodes; reading the clock every 64 steps
        // is our equivalent, cheap next to the work.
        if self.steps.is_multiple_of(64) && self.turn_started.elapsed() >= self.switch_interval {
            self.timeline.span_since(self.row, self.turn_started);
            // Give the lock to a waiting thread (if any), and queue up to get it back.
            MutexGuard::bump(&mut self.guard);
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
        let result = MutexGuard::unlocked(&mut self.guard, work);
        self.turn_started = Instant::now();
        result
    }
    // ANCHOR_END: allow_threads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_threads_under_the_gil_take_turns() {
        let gil = Gil::new(Duration::from_millis(2));
        let timeline = Recorder::new();
        let busy_for = |python: &mut PythonThread| {
            let started = Instant::now();
            while started.elapsed() < Duration::from_millis(20) {
                python.checkpoint();
            }
        };
        std::thread::scope(|s| {
            for row in 0..2 {
                let (gil, timeline) = (&gil, &timeline);
                s.spawn(move || gil.run(row, timeline, busy_for));
            }
        });
        let timeline = timeline.finish("t", "t", vec!["a".into(), "b".into()]);
        let mut spans = timeline.spans.clone();
        spans.sort_by_key(|s| s.start);
        // Never two turns at once: each span starts after the previous one ended.
        for pair in spans.windows(2) {
            assert!(pair[1].start >= pair[0].end, "overlapping turns: {pair:?}");
        }
        assert!(
            spans.len() >= 4,
            "the threads should have switched several times: {spans:?}"
        );
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
