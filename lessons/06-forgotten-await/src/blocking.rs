//! Experiment 2: blocking the runtime.
//!
//! A task gives its thread back to the runtime only at an `.await` that is not ready. A task
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

use lesson_kit::capacity::Prober;
use lesson_kit::heartbeat::{Beats, Heartbeat};
use lesson_kit::measure::median;
use lesson_kit::table::Table;
use lesson_kit::timeline::{Recorder, Timeline};
use lesson_kit::{Measured, Section, phrase};

use crate::current_thread;

/// The heartbeat's period.
pub const PERIOD: Duration = Duration::from_millis(10);

/// The ways N tasks wait or compute, blocked and fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    StdSleep,
    TokioSleep,
    SpawnBlocking,
    CpuInTask,
    CpuOnRayon,
}

impl Way {
    pub const ALL: [Way; 5] = [
        Way::StdSleep,
        Way::TokioSleep,
        Way::SpawnBlocking,
        Way::CpuInTask,
        Way::CpuOnRayon,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Way::StdSleep => "std::thread::sleep",
            Way::TokioSleep => "tokio::time::sleep",
            Way::SpawnBlocking => "spawn_blocking(sleep)",
            Way::CpuInTask => "CPU work in the task",
            Way::CpuOnRayon => "CPU work on rayon",
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
        Way::CpuOnRayon => {
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
    pub wall: Duration,
    pub beats: Beats,
    pub timeline: Timeline,
}

/// Runs `tasks` tasks the given way on a current-thread runtime, with the heartbeat beside them.
pub fn run(way: Way, tasks: usize, block: Duration, pool: &Arc<rayon::ThreadPool>) -> Run {
    let recorder = Arc::new(Recorder::new());
    let (wall, beats) = current_thread().block_on(async {
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
        while let Some(joined) = set.join_next().await {
            joined.expect("a task of the experiment panicked");
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
        (wall, beats)
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
        Way::CpuOnRayon => "cpu-on-rayon",
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

/// Shows that a blocking call or CPU work in a task stalls every task of the runtime, measures
/// the stall with the heartbeat, and shows the three fixes bring it back to about a millisecond.
pub fn blocking_the_runtime(tasks: usize, block: Duration, workers: usize, reps: usize) -> Section {
    let mut section = Section::new("blocking-the-runtime", "Blocking the runtime").about(&format!(
        "{tasks} tasks on a current-thread runtime each wait {} ms or compute for {} ms of CPU, \
         five ways; a heartbeat task that wants to wake every {} ms records how late it wakes. \
         The fixes: tokio::time::sleep, spawn_blocking, and rayon ({workers} threads) with a \
         oneshot channel back.",
        block.as_millis(),
        block.as_millis(),
        PERIOD.as_millis()
    ));
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .expect("a rayon pool"),
    );
    // Lag on a loaded machine is partly the OS's: the runtime's thread waits for a core too.
    // The prober says when another program was busy, so the verdict is read with that in mind.
    let mut prober = Prober::new(workers);
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); Way::ALL.len()];
    let mut idle_lag = Duration::ZERO;
    for _ in 0..reps {
        idle_lag = idle_lag.max(prober.watch(|| idle(block)));
        for (i, way) in Way::ALL.into_iter().enumerate() {
            prober.probe();
            runs[i].push(prober.watch(|| run(way, tasks, block, &pool)));
        }
    }
    section.capacity(&prober.finish());
    section.check(
        true,
        phrase!(
            "every way ran its {} tasks to the end, {} times (the JoinSet joined each)",
            tasks,
            reps
        ),
    );
    let stall = expected_stall(tasks, block);
    let cores = workers.min(lesson_kit::machine::cores()).max(1);
    let mut table = Table::new(&[
        ("way", "way"),
        ("wall_s", "wall time"),
        ("ideal_s", "ideal"),
        ("worst_lag_s", "worst lag"),
    ]);
    table.row(vec![
        "idle (the control)".into(),
        "-".into(),
        "-".into(),
        Measured::Time(idle_lag).into(),
    ]);
    let mut worst = Vec::new();
    for (way, runs) in Way::ALL.into_iter().zip(&runs) {
        let wall = median(runs.iter().map(|r| r.wall).collect());
        let lag = runs
            .iter()
            .map(|r| r.beats.worst())
            .max()
            .unwrap_or_default();
        let ideal = match way {
            Way::CpuInTask | Way::CpuOnRayon => block * tasks.div_ceil(cores) as u32,
            _ => block,
        };
        table.row(vec![
            way.name().into(),
            Measured::Time(wall).into(),
            Measured::Time(ideal).into(),
            Measured::Time(lag).into(),
        ]);
        worst.push(lag);
    }
    section.table(
        &format!(
            "Measured ({reps} interleaved runs of each way; wall time is the median, the lag the \
             worst of all runs; ideal: the tasks overlap, CPU work on {cores} cores)"
        ),
        table,
    );
    section.verdict(phrase!(
        "{} blocking tasks in a row stall the runtime for {} less the heartbeat's first period, \
         {}; a fixed way keeps the heartbeat within 5 ms of its schedule.",
        tasks,
        Measured::Time(block * tasks as u32),
        Measured::Time(stall)
    ));
    if idle_lag >= FREE {
        section.verdict(phrase!(
            "An idle runtime's heartbeat was {} late at worst: {}, and lag above 5 ms in this run \
             may be the machine's, not the runtime's.",
            Measured::Time(idle_lag),
            lesson_kit::capacity::BUSY_WORDS
        ));
    }
    for (way, lag) in Way::ALL.into_iter().zip(&worst) {
        section.verdict(phrase!(
            "{}: the heartbeat's worst lag was {}: {}.",
            way.name(),
            Measured::Time(*lag),
            band(*lag, stall)
        ));
    }
    for i in [0, 1] {
        let timeline = runs[i].last().expect("one run at least").timeline.clone();
        section.timeline(
            timeline
                .with_stripe("a task working, or the heartbeat overdue")
                .with_caption(
                    "Each task's row is a stripe from its start to its end; the last row is every \
             heartbeat wake-up more than 2 ms late, from when it was due to when it came.",
                ),
        );
    }
    section
}
