//! The same batch of tasks, four ways: sequentially, on rayon's threads, on threads under the GIL
//! simulator (what Python threads do), and on the process pool (what `multiprocessing` does),
//! with the pool's start-up included in its time. All must produce the same outputs, byte for
//! byte; the experiments print that check before any time.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lesson_kit::gil::{Gil, SWITCH_INTERVAL};
use lesson_kit::measure::{LastRun, Runs, Variant, interleaved_probed};
use lesson_kit::timeline::{Recorder, Timeline};
use rayon::prelude::*;

use crate::jobs::{Output, Task, checksum, run_task};
use crate::pool::Pool;

/// Where and how hard the experiments run.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    /// The executable the pool starts as its workers: the lesson's own.
    pub program: &'a Path,
    pub workers: usize,
    pub reps: usize,
    pub cores: usize,
}

// ANCHOR: sequential
/// One task after another on this thread: the baseline.
pub fn sequential(tasks: &[Task]) -> Vec<Output> {
    tasks
        .iter()
        .map(|task| run_task(task, 1, &mut || {}))
        .collect()
}
// ANCHOR_END: sequential

// ANCHOR: rayon
/// rayon's threads share the tasks by work stealing; `collect` keeps them in order.
pub fn with_rayon(tasks: &[Task], threads: &rayon::ThreadPool) -> Vec<Output> {
    threads.install(|| {
        tasks
            .par_iter()
            .map(|task| run_task(task, 1, &mut || {}))
            .collect()
    })
}
// ANCHOR_END: rayon

/// How the simulated Python threads treat the GIL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GilUse {
    /// Held while computing, as pure Python code does.
    Held,
    /// Released around each task, as C code that touches no Python object does (Pillow).
    ReleasedInC,
}

// ANCHOR: gil
/// Threads take tasks from a shared counter, as a `ThreadPoolExecutor` does, but each thread
/// must hold the simulated GIL to compute, unless the work is C code that releases it.
pub fn under_gil(
    tasks: &[Task],
    threads: usize,
    gil_use: GilUse,
    timeline: &Recorder,
) -> Vec<Output> {
    let (gil, next) = (Gil::new(SWITCH_INTERVAL), AtomicUsize::new(0));
    let outputs = Mutex::new(vec![Output::Nothing; tasks.len()]);
    std::thread::scope(|s| {
        for row in 0..threads {
            let (gil, next, outputs) = (&gil, &next, &outputs);
            s.spawn(move || {
                gil.run(row, timeline, |python| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(task) = tasks.get(index) else { break };
                        let output = match gil_use {
                            GilUse::Held => run_task(task, 1, &mut || python.checkpoint()),
                            GilUse::ReleasedInC => {
                                python.allow_threads(|| run_task(task, 1, &mut || {}))
                            }
                        };
                        outputs.lock().unwrap()[index] = output;
                        python.checkpoint();
                    }
                })
            });
        }
    });
    outputs.into_inner().unwrap()
}
// ANCHOR_END: gil

// ANCHOR: process_pool
/// Starts the pool, runs the batch, shuts the pool down: start-up is part of the cost.
pub fn with_process_pool(
    tasks: &[Task],
    program: &Path,
    workers: usize,
) -> (Vec<Output>, Option<Timeline>) {
    let mut pool =
        Pool::start(program, workers).expect("the lesson's executable starts as a worker");
    pool.record_timeline();
    let reports = pool.run(tasks);
    let title = "Process pool: each row a worker process (start-up included)";
    let timeline = pool.take_timeline("pool-timeline", title);
    pool.shutdown();
    // A failed task yields no output; the check that all variants agree then fails and says so.
    let outputs = reports
        .into_iter()
        .map(|r| r.outcome.unwrap_or(Output::Nothing))
        .collect();
    (outputs, timeline)
}
// ANCHOR_END: process_pool

/// The ways a batch runs, each a variant of the experiments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Sequential,
    Rayon,
    Gil(GilUse),
    ProcessPool,
}

impl Way {
    /// The variant's name in tables and verdicts.
    pub fn name(self) -> &'static str {
        match self {
            Way::Sequential => "sequential",
            Way::Rayon => "rayon threads",
            Way::Gil(GilUse::Held) => "GIL simulator",
            Way::Gil(GilUse::ReleasedInC) => "GIL released in C",
            Way::ProcessPool => "process pool",
        }
    }
}

/// The measured runs of a job, and the last run's timelines.
pub struct JobRuns {
    pub runs: Vec<Runs<u64>>,
    /// Which way each of `runs` ran the batch.
    pub ways: Vec<Way>,
    pub pool_timeline: Option<Timeline>,
    pub gil_timeline: Option<Timeline>,
    /// The outputs of one sequential run, to describe in the result line.
    pub outputs: Vec<Output>,
    /// What the machine gave the workers while they ran.
    pub capacity: lesson_kit::capacity::Capacity,
}

/// Runs the variants interleaved, `reps` times each; each run's result is its outputs' checksum.
/// `released_gil` adds the variant whose simulated threads release the GIL around each task.
pub fn measure_job(tasks: &[Task], setup: Setup, released_gil: bool) -> JobRuns {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(setup.workers)
        .build()
        .expect("a rayon pool");
    let rows: Vec<String> = (0..setup.workers).map(|w| format!("thread {w}")).collect();
    let (pool_timeline, gil_timeline) = (LastRun::new(), LastRun::new());
    let outputs = LastRun::new();
    let gil_variant = |gil_use: GilUse| {
        let (rows, gil_timeline) = (rows.clone(), &gil_timeline);
        move || {
            let recorder = Recorder::new();
            let outputs = under_gil(tasks, setup.workers, gil_use, &recorder);
            if gil_use == GilUse::Held {
                let title = "GIL simulator: each row a thread; one at a time holds the GIL";
                gil_timeline.keep(
                    recorder
                        .finish("gil-timeline", title, rows.clone())
                        .with_stripe("holding the GIL"),
                );
            }
            checksum(&outputs)
        }
    };
    let mut ways = vec![Way::Sequential, Way::Rayon, Way::Gil(GilUse::Held)];
    if released_gil {
        ways.push(Way::Gil(GilUse::ReleasedInC));
    }
    ways.push(Way::ProcessPool);
    let variants = ways
        .iter()
        .map(|&way| -> Variant<u64> {
            let run: Box<dyn FnMut() -> u64> = match way {
                Way::Sequential => Box::new(|| {
                    let out = sequential(tasks);
                    let sum = checksum(&out);
                    outputs.keep(out);
                    sum
                }),
                Way::Rayon => Box::new(|| checksum(&with_rayon(tasks, &threads))),
                Way::Gil(gil_use) => Box::new(gil_variant(gil_use)),
                Way::ProcessPool => Box::new(|| {
                    let (outputs, timeline) =
                        with_process_pool(tasks, setup.program, setup.workers);
                    pool_timeline.keep(timeline);
                    checksum(&outputs)
                }),
            };
            Variant::new(way.name(), run)
        })
        .collect();
    let (runs, capacity) = interleaved_probed(setup.reps, setup.workers, variants);
    JobRuns {
        runs,
        ways,
        capacity,
        pool_timeline: pool_timeline.into_inner().flatten(),
        gil_timeline: gil_timeline.into_inner(),
        outputs: outputs.into_inner().unwrap_or_default(),
    }
}
