//! Experiment 2: blocking the runtime.
//!
//! A task gives its thread back to the runtime only at an `.await` whose future returns Pending
//! (not ready, or, for tokio's own resources, out of tokio's cooperative budget). A task
//! that calls `std::thread::sleep`, a blocking function or a long computation keeps the thread
//! until it returns, and on a current-thread runtime every other task waits, however ready it
//! is. N such tasks run one after the other: N times as long as N tasks that wait with
//! `tokio::time::sleep`. The heartbeat ([`lesson_kit::heartbeat`]) measures the stall as the
//! lateness of a task that wants to wake every 10 ms.
//!
//! Fixes: `tokio::time::sleep` (the task waits without its thread); `spawn_blocking` for a
//! blocking call (it runs on tokio's blocking pool, another thread); CPU work on a rayon pool,
//! its result sent back on a oneshot channel the task awaits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lesson_kit::heartbeat::{Beats, Heartbeat};
use lesson_kit::timeline::{Recorder, Timeline};

use crate::current_thread;

mod report;
pub use report::blocking_the_runtime;

/// The heartbeat's period.
pub const PERIOD: Duration = Duration::from_millis(10);

/// The ways N tasks wait or compute, blocked and fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    StdSleep,
    TokioSleep,
    SpawnBlocking,
    CpuInTask,
    /// On a rayon pool of this many threads.
    CpuOnRayon(usize),
}

impl Way {
    /// Every way, with two rayon pools: one a thread narrower than `workers` (a core left for
    /// the runtime's thread), and one as wide.
    pub fn all(workers: usize) -> Vec<Way> {
        let mut ways = vec![
            Way::StdSleep,
            Way::TokioSleep,
            Way::SpawnBlocking,
            Way::CpuInTask,
        ];
        ways.push(Way::CpuOnRayon(workers.saturating_sub(1).max(1)));
        if workers > 1 {
            ways.push(Way::CpuOnRayon(workers));
        }
        ways
    }

    pub fn name(self) -> String {
        match self {
            Way::StdSleep => "std::thread::sleep".into(),
            Way::TokioSleep => "tokio::time::sleep".into(),
            Way::SpawnBlocking => "spawn_blocking(sleep)".into(),
            Way::CpuInTask => "CPU work in the task".into(),
            Way::CpuOnRayon(1) => "CPU on rayon, 1 thread".into(),
            Way::CpuOnRayon(n) => format!("CPU on rayon, {n} threads"),
        }
    }

    /// Does this way keep the runtime's thread while it works?
    pub fn blocks(self) -> bool {
        matches!(self, Way::StdSleep | Way::CpuInTask)
    }
}

/// Burns `amount` of this thread's CPU time: work of a fixed size, whatever else runs.
pub fn cpu_work(amount: Duration) -> u64 {
    let start = lesson_kit::capacity::thread_cpu_time();
    let mut x = 0u64;
    while lesson_kit::capacity::thread_cpu_time() - start < amount {
        for _ in 0..1_000 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
    x
}

// ANCHOR: one_task
/// One task's work, done the given way.
async fn one_task(way: Way, block: Duration, pool: Arc<rayon::ThreadPool>) {
    match way {
        Way::StdSleep => std::thread::sleep(block), // keeps the thread: everyone waits
        Way::TokioSleep => tokio::time::sleep(block).await, // gives the thread back
        Way::SpawnBlocking => tokio::task::spawn_blocking(move || std::thread::sleep(block))
            .await
            .expect("the blocking sleep returns"),
        Way::CpuInTask => {
            cpu_work(block); // keeps the thread, computing
        }
        Way::CpuOnRayon(_) => {
            let (done, result) = tokio::sync::oneshot::channel();
            pool.spawn(move || {
                let _ = done.send(cpu_work(block)); // the task may have been cancelled
            });
            result.await.expect("the rayon job sends its result");
        }
    }
}
// ANCHOR_END: one_task

/// One run of `tasks` tasks: its wall time, what the heartbeat saw, and a timeline.
#[derive(Debug, Clone)]
pub struct Run {
    /// How many of the tasks the JoinSet joined, each having run to its end.
    pub joined: usize,
    pub wall: Duration,
    pub beats: Beats,
    pub timeline: Timeline,
}

/// Runs `tasks` tasks the given way on a current-thread runtime, with the heartbeat beside them.
pub fn run(way: Way, tasks: usize, block: Duration, pool: &Arc<rayon::ThreadPool>) -> Run {
    let recorder = Arc::new(Recorder::new());
    let (joined, wall, beats) = current_thread().block_on(async {
        let heartbeat = Heartbeat::start(PERIOD);
        let started = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for row in 0..tasks {
            let (pool, recorder) = (Arc::clone(pool), Arc::clone(&recorder));
            set.spawn(async move {
                let begun = Instant::now();
                one_task(way, block, pool).await;
                recorder.span_since(row, begun);
            });
        }
        let mut joined = 0;
        while let Some(result) = set.join_next().await {
            result.expect("a task of the experiment panicked");
            joined += 1;
        }
        let wall = started.elapsed();
        // One more period, so that a stall at the very end is seen too.
        tokio::time::sleep(PERIOD).await;
        let heartbeat_origin = heartbeat.origin();
        let beats = heartbeat.stop().await;
        // The heartbeat's row: each wake-up later than 2 ms, from when it was due to when it came.
        for beat in beats.late(Duration::from_millis(2)) {
            let due = heartbeat_origin + beat.due;
            recorder.span(tasks, due, due + beat.lag);
        }
        (joined, wall, beats)
    });
    let recorder = Arc::into_inner(recorder).expect("every task has ended");
    let mut rows: Vec<String> = (1..=tasks).map(|i| format!("task {i}")).collect();
    rows.push("heartbeat late".to_string());
    let timeline = recorder.finish(
        &slug(way),
        &format!("{} tasks with {}", tasks, way.name()),
        rows,
    );
    Run {
        joined,
        wall,
        beats,
        timeline,
    }
}

/// The control: the heartbeat alone on an idle runtime for `span`. Its worst lag is the
/// machine's own delay in waking a thread (another program busy on the cores), not the runtime's.
pub fn idle(span: Duration) -> Duration {
    current_thread().block_on(async {
        let heartbeat = Heartbeat::start(PERIOD);
        tokio::time::sleep(span + PERIOD).await;
        heartbeat.stop().await.worst()
    })
}

fn slug(way: Way) -> String {
    match way {
        Way::StdSleep => "std-sleep",
        Way::TokioSleep => "tokio-sleep",
        Way::SpawnBlocking => "spawn-blocking",
        Way::CpuInTask => "cpu-in-task",
        Way::CpuOnRayon(n) => return format!("cpu-on-rayon-{n}"),
    }
    .to_string()
}

/// A heartbeat this close to its schedule ran free.
pub const FREE: Duration = Duration::from_millis(5);

/// What a way's worst lag says, in words a snapshot keeps: a band, not the number.
pub fn band(worst: Duration, stall: Duration) -> &'static str {
    if worst < FREE {
        "under 5 ms, the runtime ran free"
    } else if worst.as_secs_f64() >= 0.8 * stall.as_secs_f64() {
        "about all the blocks in a row, the runtime stood still"
    } else {
        "more than 5 ms, less than the blocks in a row"
    }
}

/// The stall `tasks` blocking tasks cause: every block but the part of the first period that had
/// not yet passed when they started.
pub fn expected_stall(tasks: usize, block: Duration) -> Duration {
    (block * tasks as u32).saturating_sub(PERIOD)
}
