//! A heartbeat: a task that asks to wake every [`PERIOD`] and records how late each wake-up was
//! (actual minus scheduled). On a current-thread runtime every task shares one thread, so the
//! lateness is how long something else held that thread: the runtime's stall, measured.
//!
//! A minimal copy for this exercise's judge; the lesson's kit may grow a shared one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the heartbeat asks to wake.
pub const PERIOD: Duration = Duration::from_millis(10);

/// What the heartbeat saw so far: shared between its task and whoever reads it.
#[derive(Debug, Default)]
pub struct Beats {
    /// The latest a wake-up came.
    pub worst: Duration,
    /// Wake-ups recorded.
    pub ticks: u64,
    /// When the next wake-up is due (a stall still going on has no wake-up yet).
    pub due: Option<Instant>,
}

/// Spawn this on the runtime to watch: it runs until aborted.
pub async fn beat(beats: Arc<Mutex<Beats>>) {
    loop {
        let due = Instant::now() + PERIOD;
        lock(&beats).due = Some(due);
        tokio::time::sleep_until(due.into()).await;
        let late = Instant::now().saturating_duration_since(due);
        let mut beats = lock(&beats);
        beats.worst = beats.worst.max(late);
        beats.ticks += 1;
    }
}

/// The worst lateness, counting a wake-up overdue at `now` that has not come yet.
pub fn worst_by(beats: &Mutex<Beats>, now: Instant) -> Duration {
    let beats = lock(beats);
    let overdue = beats
        .due
        .map(|due| now.saturating_duration_since(due))
        .unwrap_or_default();
    beats.worst.max(overdue)
}

fn lock(beats: &Mutex<Beats>) -> std::sync::MutexGuard<'_, Beats> {
    beats.lock().unwrap_or_else(|p| p.into_inner())
}
