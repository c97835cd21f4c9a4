//! A GIL simulator: what Python's threads do with CPU work, reproduced in Rust.
//!
//! CPython runs bytecode only while holding the Global Interpreter Lock. A thread that computes
//! holds it; every *switch interval* (5 ms by default, `sys.getswitchinterval()`) it is asked to
//! drop it, and a waiting thread takes over. So threads take turns on one core, whatever the
//! number of cores. Here every thread must hold one global lock while it computes and hands it to
//! a waiting thread every interval, exactly like that.

use std::time::{Duration, Instant};

use lesson_kit::timeline::Recorder;
use parking_lot::{Mutex, MutexGuard};

use crate::primes::is_prime;

/// CPython's default switch interval.
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// The one lock every simulated Python thread needs in order to compute.
pub struct Gil {
    lock: Mutex<()>,
    switch_interval: Duration,
}

impl Gil {
    pub fn new(switch_interval: Duration) -> Gil {
        Gil {
            lock: Mutex::new(()),
            switch_interval,
        }
    }

    // ANCHOR: gil
    /// Counts the primes in `numbers` the way a Python thread would: only while holding the GIL,
    /// handing it over every switch interval. `row` is this thread's row in the timeline.
    pub fn count_primes(
        &self,
        numbers: impl Iterator<Item = u64>,
        row: usize,
        timeline: &Recorder,
    ) -> u64 {
        let mut gil = self.lock.lock();
        let mut turn_started = Instant::now();
        let mut primes = 0;
        for (i, n) in numbers.enumerate() {
            primes += u64::from(is_prime(n));
            // CPython checks its "eval breaker" between bytecodes; checking the clock every
            // 64 numbers is our equivalent.
            if i % 64 == 0 && turn_started.elapsed() >= self.switch_interval {
                timeline.span_since(row, turn_started);
                // Hand the lock to a waiting thread (if any) and queue up to get it back.
                MutexGuard::bump(&mut gil);
                turn_started = Instant::now();
            }
        }
        timeline.span_since(row, turn_started);
        primes
    }
    // ANCHOR_END: gil
}
