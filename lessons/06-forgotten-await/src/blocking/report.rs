//! The experiment as printed: every way run interleaved with the control, the table, the bands.

use std::sync::Arc;
use std::time::Duration;

use lesson_kit::capacity::{BUSY_WORDS, Prober};
use lesson_kit::measure::median;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use super::{FREE, PERIOD, Run, Way, band, expected_stall, idle, run};

/// Is this the rayon pool as wide as `workers` (no core left for the runtime's thread)?
fn is_wide(way: Way, workers: usize) -> bool {
    matches!(way, Way::CpuOnRayon(threads) if workers > 1 && threads >= workers)
}

/// A rayon pool of `threads` threads.
fn pool(threads: usize) -> Arc<rayon::ThreadPool> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    Arc::new(pool.expect("a rayon pool"))
}

/// Shows that a blocking call or CPU work in a task stalls every task of the runtime, measures
/// the stall with the heartbeat, and shows the fixes bring it back to a few milliseconds, unless
/// the CPU pool takes every core the runtime's thread needs.
pub fn blocking_the_runtime(tasks: usize, block: Duration, workers: usize, reps: usize) -> Section {
    let ways = Way::all(workers);
    let mut section = Section::new("blocking-the-runtime", "Blocking the runtime").about(&format!(
        "{tasks} tasks on a current-thread runtime each wait {} ms or compute for {} ms of CPU, \
         {} ways; a heartbeat task that wants to wake every {} ms records how late it wakes. \
         The fixes: tokio::time::sleep, spawn_blocking, and rayon with a oneshot channel back, \
         on a pool a thread narrower than --workers {workers} and on one as wide.",
        block.as_millis(),
        block.as_millis(),
        ways.len(),
        PERIOD.as_millis()
    ));
    let pools: Vec<Arc<rayon::ThreadPool>> = ways
        .iter()
        .map(|way| match way {
            Way::CpuOnRayon(threads) => pool(*threads),
            _ => pool(1),
        })
        .collect();
    // Lag on a loaded machine is partly the OS's: the runtime's thread waits for a core too.
    // The prober and the control (the heartbeat alone on an idle runtime) say when it was.
    let mut prober = Prober::new(workers);
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); ways.len()];
    let mut idle_lag = Duration::ZERO;
    for _ in 0..reps {
        idle_lag = idle_lag.max(prober.watch(|| idle(block)));
        for (i, way) in ways.iter().enumerate() {
            prober.probe();
            runs[i].push(prober.watch(|| run(*way, tasks, block, &pools[i])));
        }
    }
    section.capacity(&prober.finish());
    let all_joined = runs.iter().flatten().all(|r| r.joined == tasks);
    section.check(
        all_joined && runs.iter().all(|r| r.len() == reps),
        phrase!(
            "every way ran its {} tasks to the end, {} times (the JoinSet joined each)",
            tasks,
            reps
        ),
    );
    let stall = expected_stall(tasks, block);
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
    let cores = lesson_kit::machine::cores();
    let mut worst = Vec::new();
    for (way, runs) in ways.iter().zip(&runs) {
        let wall = median(runs.iter().map(|r| r.wall).collect());
        let lag = runs.iter().map(|r| r.beats.worst()).max();
        let lag = lag.unwrap_or_default();
        // The tasks overlapping: CPU work on as many cores as its threads (or --workers) get.
        let ideal = match way {
            Way::CpuInTask => block * tasks.div_ceil(workers.min(cores)) as u32,
            Way::CpuOnRayon(threads) => block * tasks.div_ceil((*threads).min(cores)) as u32,
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
             worst of all runs; ideal: the tasks overlap)"
        ),
        table,
    );
    // The fixed ways, less the pool as wide as --workers: that one is judged on its own below.
    let fixed: Vec<Duration> = ways
        .iter()
        .zip(&worst)
        .filter(|(way, _)| !way.blocks() && !is_wide(**way, workers))
        .map(|(_, lag)| *lag)
        .collect();
    let free = fixed.iter().filter(|lag| **lag < FREE).count();
    let fixed_words = if free == fixed.len() {
        format!(
            "all {} fixed ways kept the heartbeat within 5 ms of its schedule",
            fixed.len()
        )
    } else if idle_lag >= FREE {
        format!(
            "{free} of {} fixed ways kept the heartbeat within 5 ms of its schedule; the control \
             says the machine was busy",
            fixed.len()
        )
    } else {
        format!(
            "{free} of {} fixed ways kept the heartbeat within 5 ms of its schedule, though the \
             control ran free",
            fixed.len()
        )
    };
    section.verdict(phrase!(
        "{} blocking tasks in a row stall the runtime for {} less the heartbeat's first period, \
         {}; {}.",
        tasks,
        Measured::Time(block * tasks as u32),
        Measured::Time(stall),
        Measured::Varies(fixed_words)
    ));
    if idle_lag >= FREE {
        section.verdict(phrase!(
            "An idle runtime's heartbeat was {} late at worst: {}, and lag above 5 ms in this run \
             may be the machine's, not the runtime's.",
            Measured::Time(idle_lag),
            BUSY_WORDS
        ));
    }
    for (way, lag) in ways.iter().zip(&worst) {
        let words = band(*lag, stall);
        // Rayon's threads compute while the runtime's thread waits to be woken: how late the OS
        // lets the heartbeat run beside them is the scheduler's call (a pool as wide as the cores
        // competes for every core; even a narrower one read 2 to 8 ms on a quiet 2-core run), so
        // their band is not a fixed fact.
        let words = match way {
            Way::CpuOnRayon(_) => Measured::Varies(words.into()).into(),
            _ => lesson_kit::Segment::from(words),
        };
        section.verdict(phrase!(
            "{}: the heartbeat's worst lag was {}: {}.",
            way.name(),
            Measured::Time(*lag),
            words
        ));
    }
    if let [.., narrow, wide] = worst[..]
        && workers > 1
    {
        let why = if wide > narrow + FREE {
            "the runtime's thread waited for the OS to preempt a rayon thread; leave it a core"
        } else {
            "within 5 ms of it here: the OS gave the runtime's thread a core soon enough"
        };
        section.verdict(phrase!(
            "A rayon pool as wide as --workers: worst lag {} against {} with a thread fewer: {}.",
            Measured::Time(wide),
            Measured::Time(narrow),
            Measured::Varies(why.into())
        ));
    }
    for i in [0, 1] {
        let timeline = runs[i].last().expect("one run at least").timeline.clone();
        section.timeline(
            timeline
                .with_stripe("a task working, or the heartbeat overdue")
                .with_caption(
                    "Each task's row is a stripe from its start to its end; the last row is \
                     every heartbeat wake-up more than 2 ms late, from when it was due to when \
                     it came.",
                ),
        );
    }
    section
}
