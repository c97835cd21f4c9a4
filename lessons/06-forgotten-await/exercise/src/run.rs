//! The runner's side of one check: a current-thread runtime of its own, the heartbeat on it, the
//! answer's batch beside it, and the store's counts read afterwards. The answer only gets the
//! store, the customers and the limit; the runtime, the clock and the counts are out of its reach.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use lesson_kit::heartbeat::{Beats, Heartbeat};
use serde::{Deserialize, Serialize};

use crate::store::Counts;
use crate::{Answer, Store, Summary};

/// How often the heartbeat asks to wake.
pub const PERIOD: Duration = Duration::from_millis(10);
/// Rounds of 2 ms in which tasks the answer left may end before they are counted.
const SETTLE_ROUNDS: usize = 10;

/// What the judge asks the runner to do: build the reports of `customers` with the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub customers: Vec<u32>,
    /// Customers not in the store: their loads fail.
    pub missing: Vec<u32>,
    /// Customers whose first load answers `Busy`.
    pub busy_once: Vec<u32>,
    pub retry_after_ms: u64,
    /// CPU time one render takes.
    pub render_ms: u64,
    /// Renders the answer may run at once.
    pub cpu_limit: usize,
}

/// What the runner saw of one batch, for the judge to decide on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BatchSeen {
    /// The runtime could not be built (nothing of the answer ran).
    pub cannot_start: Option<String>,
    pub summary: Summary,
    /// From the answer's start until it returned.
    pub took: Duration,
    /// The heartbeat's latest wake-up while the answer ran.
    pub worst_lag: Duration,
    /// The control: the latest wake-up of a heartbeat alone on an idle runtime of its own, on
    /// another thread, over the same time. Its lag is the machine's (other programs holding the
    /// cores), not the answer's.
    pub control_lag: Duration,
    pub ticks: u64,
    /// Each customer's loads, in the order they arrived, as times since the start.
    pub loads: BTreeMap<u32, Vec<Duration>>,
    /// Customers whose report was saved by the time the answer returned.
    pub saved: Vec<u32>,
    /// Saves that completed after the answer returned (by tasks it left running).
    pub saved_late: usize,
    pub renders: usize,
    /// The most renders running at once.
    pub peak_rendering: usize,
    /// Renders that ran on the runtime's own thread, stalling every task.
    pub renders_on_runtime: usize,
    /// Tasks of the answer still alive when it returned (cancelled with the runtime after).
    pub tasks_left: usize,
}

/// Runs the judge's batch with the answer, in the runner.
pub fn run(answer: Answer, request: &Request) -> BatchSeen {
    // One thread, built explicitly: every task takes turns on it, so a stall shows in full.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            return BatchSeen {
                cannot_start: Some(e.to_string()),
                ..BatchSeen::default()
            };
        }
    };
    let store = Store::new(Counts {
        missing: request.missing.clone(),
        busy_once: request.busy_once.clone(),
        retry_after: Duration::from_millis(request.retry_after_ms),
        render_cpu: Duration::from_millis(request.render_ms),
        runtime_thread: std::thread::current().id(),
        started: Instant::now(),
        loads: Mutex::default(),
        saved: Mutex::default(),
        renders: 0.into(),
        rendering: 0.into(),
        peak_rendering: 0.into(),
        renders_on_runtime: 0.into(),
    });
    let heartbeat = runtime.block_on(async { Heartbeat::start(PERIOD) });
    let customers = request.customers.clone();
    let (stop_control, control) = tokio::sync::oneshot::channel::<()>();
    let control = std::thread::spawn(move || control_heartbeat(control));
    let started = Instant::now();
    let summary = runtime.block_on(async {
        // Let the heartbeat take its first turn before the answer starts.
        tokio::task::yield_now().await;
        (answer.build_reports)(store.clone(), customers, request.cpu_limit).await
    });
    let returned = Instant::now();
    let _ = stop_control.send(());
    let control_lag = control.join().unwrap_or_default();
    let origin = heartbeat.origin();
    let beats = runtime.block_on(heartbeat.stop());
    let worst_lag = beats.worst().max(overdue(&beats, origin, returned));
    let counts = store.counts();
    let saved = lock(&counts.saved).clone();
    let mut tasks_left = usize::MAX;
    for _ in 0..SETTLE_ROUNDS {
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(2)).await });
        tasks_left = runtime.metrics().num_alive_tasks();
        if tasks_left == 0 {
            break;
        }
    }
    // Dropping the runtime cancels the tasks the answer left and waits for its blocking ones.
    drop(runtime);
    let ticks = beats.len() as u64;
    BatchSeen {
        cannot_start: None,
        summary,
        took: returned - started,
        worst_lag,
        control_lag,
        ticks,
        loads: lock(&counts.loads).clone(),
        saved_late: lock(&counts.saved).len() - saved.len(),
        saved,
        renders: counts.renders.load(Ordering::SeqCst),
        peak_rendering: counts.peak_rendering.load(Ordering::SeqCst),
        renders_on_runtime: counts.renders_on_runtime.load(Ordering::SeqCst),
        tasks_left,
    }
}

/// The control: a heartbeat alone on a current-thread runtime of its own until `stop` comes (or
/// its sender is dropped); its worst lag.
fn control_heartbeat(stop: tokio::sync::oneshot::Receiver<()>) -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build();
    let Ok(runtime) = runtime else {
        return Duration::ZERO;
    };
    runtime.block_on(async {
        let heartbeat = Heartbeat::start(PERIOD);
        let _ = stop.await;
        heartbeat.stop().await.worst()
    })
}

impl BatchSeen {
    /// The heartbeat's worst lag beyond the control's: the part the answer's code caused.
    pub fn own_lag(&self) -> Duration {
        self.worst_lag.saturating_sub(self.control_lag)
    }
}

/// How late the heartbeat's next wake-up already was at `now`: a stall still going on when the
/// answer returned has no beat yet. The heartbeat's wake-ups are due at whole periods since
/// `origin`, the first one after the last beat it recorded.
fn overdue(beats: &Beats, origin: Instant, now: Instant) -> Duration {
    let last = beats.beats.last().map(|b| b.due + b.lag);
    let periods = last.map_or(0, |woke| woke.as_nanos() / PERIOD.as_nanos()) + 1;
    let due = origin + PERIOD * u32::try_from(periods).unwrap_or(u32::MAX);
    now.saturating_duration_since(due)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use lesson_kit::heartbeat::Beat;

    use super::*;

    #[test]
    fn a_stall_still_going_on_at_the_return_counts_from_the_next_wake_up_due() {
        let ms = Duration::from_millis;
        let origin = Instant::now();
        let none = Beats {
            period: PERIOD,
            beats: vec![],
        };
        assert_eq!(overdue(&none, origin, origin + ms(45)), ms(35));
        let woke_at_25 = Beats {
            period: PERIOD,
            beats: vec![Beat {
                due: ms(20),
                lag: ms(5),
            }],
        };
        assert_eq!(overdue(&woke_at_25, origin, origin + ms(45)), ms(15));
        assert_eq!(overdue(&woke_at_25, origin, origin + ms(29)), ms(0));
    }
}
