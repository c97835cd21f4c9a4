//! A heartbeat: a task that asks to be woken every 10 ms and notes how late it was woken.
//!
//! A runtime whose worker threads are all busy with CPU work cannot wake anybody: the heartbeat's
//! lateness is how long the runtime stalled. Python's asyncio has the same idea built in
//! (`loop.slow_callback_duration` in debug mode warns of a callback that held the loop).
//! (A minimal version for this lesson; the kit may hold a shared one.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How often the heartbeat asks to be woken.
pub const PERIOD: Duration = Duration::from_millis(10);

/// A running heartbeat; [`Heartbeat::stop`] ends it and says how late it was.
pub struct Heartbeat {
    stop: Arc<AtomicBool>,
    task: JoinHandle<Lateness>,
}

/// How late the heartbeat was woken.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lateness {
    pub beats: usize,
    pub worst: Duration,
}

// ANCHOR: heartbeat
impl Heartbeat {
    /// Starts the heartbeat as a task on `runtime`.
    pub fn start(runtime: &Handle) -> Heartbeat {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let task = runtime.spawn(async move {
            let mut lateness = Lateness::default();
            while !stopping.load(Relaxed) {
                let due = Instant::now() + PERIOD;
                tokio::time::sleep_until(due).await;
                lateness.worst = lateness.worst.max(due.elapsed()); // woken this long after due
                lateness.beats += 1;
            }
            lateness
        });
        Heartbeat { stop, task }
    }
    // ANCHOR_END: heartbeat

    /// Stops the heartbeat (within one period) and returns its lateness.
    pub fn stop(self, runtime: &Handle) -> Lateness {
        self.stop.store(true, Relaxed);
        runtime.block_on(self.task).unwrap_or_default()
    }
}
