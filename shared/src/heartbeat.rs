//! A heartbeat: the stall of an async runtime, measured.
//!
//! A task that blocks its worker thread (a `std::thread::sleep`, a blocking HTTP call, a long
//! computation) does not show up as an error; every other task on that thread simply waits. To
//! see it, a small task sleeps for a fixed period again and again and records how late each
//! wake-up is: actual minus scheduled. On a free runtime the lateness is the timer's granularity
//! (tokio's timer wheel counts whole milliseconds, so about 1 ms); while another task blocks the
//! thread, the heartbeat cannot run, and its next wake-up is late by as long as the block lasted.
//!
//! ```no_run
//! # async fn demo() {
//! use std::time::Duration;
//! let heartbeat = lesson_kit::heartbeat::Heartbeat::start(Duration::from_millis(10));
//! // ... the work whose stalls are measured, on the same runtime ...
//! let beats = heartbeat.stop().await;
//! println!("worst lag {:?} over {} beats", beats.worst(), beats.len());
//! # }
//! ```
//!
//! Measure on a current-thread runtime for a figure that does not depend on the machine: there
//! the heartbeat shares the one thread with the work. On a multi-thread runtime it may run on
//! another worker and see nothing, or it may be stuck behind the blocked task (a task woken into
//! a worker's LIFO slot cannot be stolen by another worker).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

/// One wake-up: when it was due, counted from the heartbeat's start, and how late it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beat {
    pub due: Duration,
    pub lag: Duration,
}

/// A running heartbeat; [`Heartbeat::stop`] ends it and hands back what it saw.
#[derive(Debug)]
pub struct Heartbeat {
    origin: Instant,
    period: Duration,
    beats: Arc<Mutex<Vec<Beat>>>,
    task: JoinHandle<()>,
}

impl Heartbeat {
    /// Spawns the heartbeat on the current tokio runtime (panics outside one, as `tokio::spawn`
    /// does), waking every `period`. The first wake-up is due one period from now.
    pub fn start(period: Duration) -> Heartbeat {
        let origin = Instant::now();
        let beats = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(beat(origin, period, Arc::clone(&beats)));
        Heartbeat {
            origin,
            period,
            beats,
            task,
        }
    }

    /// When the heartbeat started: time zero of [`Beat::due`].
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// Ends the heartbeat (it is aborted and awaited, so it does not outlive this call) and
    /// returns every beat it recorded.
    pub async fn stop(self) -> Beats {
        self.task.abort();
        // The task ends at its next `.await`: it is cancelled, or it already finished.
        let _ = self.task.await;
        let beats = std::mem::take(&mut *self.beats.lock().unwrap_or_else(|p| p.into_inner()));
        Beats {
            period: self.period,
            beats,
        }
    }
}

/// The heartbeat's loop. After a late wake-up, the beats it missed are skipped, not made up: one
/// stall of 200 ms is one beat 200 ms late, not twenty beats in a burst.
async fn beat(origin: Instant, period: Duration, beats: Arc<Mutex<Vec<Beat>>>) {
    let mut due = origin + period;
    loop {
        tokio::time::sleep_until(due.into()).await;
        let now = Instant::now();
        let lag = now.saturating_duration_since(due);
        beats.lock().unwrap_or_else(|p| p.into_inner()).push(Beat {
            due: due - origin,
            lag,
        });
        while due <= now {
            due += period;
        }
    }
}

/// What a heartbeat saw.
#[derive(Debug, Clone, Default)]
pub struct Beats {
    pub period: Duration,
    pub beats: Vec<Beat>,
}

impl Beats {
    /// How many wake-ups were recorded.
    pub fn len(&self) -> usize {
        self.beats.len()
    }

    pub fn is_empty(&self) -> bool {
        self.beats.is_empty()
    }

    /// The latest wake-up's lag: the longest the runtime was stalled (zero without beats).
    pub fn worst(&self) -> Duration {
        self.beats.iter().map(|b| b.lag).max().unwrap_or_default()
    }

    /// The median lag (zero without beats).
    pub fn median(&self) -> Duration {
        crate::measure::median(self.beats.iter().map(|b| b.lag).collect())
    }

    /// Wake-ups later than `threshold`.
    pub fn late(&self, threshold: Duration) -> impl Iterator<Item = &Beat> {
        self.beats.iter().filter(move |b| b.lag > threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn a_free_runtime_wakes_the_heartbeat_on_time_and_a_blocked_one_late() {
        let period = Duration::from_millis(10);
        runtime().block_on(async {
            let free_run = || async {
                let heartbeat = Heartbeat::start(period);
                tokio::time::sleep(Duration::from_millis(60)).await;
                heartbeat.stop().await
            };
            let mut free = free_run().await;
            assert!(free.len() >= 3, "{free:?}");

            let heartbeat = Heartbeat::start(period);
            tokio::time::sleep(Duration::from_millis(15)).await;
            // Blocks the only thread: the heartbeat cannot run for 120 ms.
            std::thread::sleep(Duration::from_millis(120));
            tokio::time::sleep(Duration::from_millis(15)).await;
            let blocked = heartbeat.stop().await;
            assert!(blocked.worst() >= Duration::from_millis(100), "{blocked:?}");
            // A loaded machine can wake a thread late too, though rarely by 60 ms: the free
            // run's worst lag is far below the stall. Measured again, up to 3 times, before
            // that fails.
            for _ in 1..3 {
                if free.worst() < blocked.worst() / 2 {
                    break;
                }
                free = free_run().await;
            }
            assert!(free.worst() < blocked.worst() / 2, "{free:?}");
            // Missed beats are skipped: one stall, one late beat.
            assert_eq!(blocked.late(Duration::from_millis(50)).count(), 1);
        });
    }

    #[test]
    fn stop_ends_the_task() {
        let rt = runtime();
        rt.block_on(async {
            let heartbeat = Heartbeat::start(Duration::from_millis(1));
            tokio::task::yield_now().await;
            let _ = heartbeat.stop().await;
        });
        assert_eq!(rt.metrics().num_alive_tasks(), 0);
    }
}
