//! Experiments 1 to 3: the CPU jobs of the Python articles, four ways each.
//!
//! The same batch of tasks runs sequentially, on rayon's threads, on threads under the GIL
//! simulator (what Python threads do), and on the process pool (what `multiprocessing` does),
//! with the pool's start-up included in its time. All must produce the same outputs, byte for
//! byte, and each experiment prints that check before any time.

use std::cell::RefCell;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lesson_kit::gil::{Gil, SWITCH_INTERVAL};
use lesson_kit::measure::{Runs, Variant, agreed_result, interleaved_probed};
use lesson_kit::speedup::compare;
use lesson_kit::timeline::{Recorder, Timeline};
use lesson_kit::{Measured, Phrase, Section, phrase};
use rayon::prelude::*;

use crate::jobs::{Output, Task, checksum, prime_tasks, run_task, square_tasks};
use crate::pool::Pool;
use crate::thumbnails::{THUMBNAIL_BOX, THUMBNAIL_QUALITY};

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

/// The measured runs of a job, and the last run's timelines.
pub struct JobRuns {
    pub runs: Vec<Runs<u64>>,
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
    let (pool_timeline, gil_timeline) = (RefCell::new(None), RefCell::new(None));
    let outputs = RefCell::new(Vec::new());
    let gil_variant = |gil_use: GilUse| {
        let (rows, gil_timeline) = (rows.clone(), &gil_timeline);
        move || {
            let recorder = Recorder::new();
            let outputs = under_gil(tasks, setup.workers, gil_use, &recorder);
            if gil_use == GilUse::Held {
                let title = "GIL simulator: the same threads, taking turns";
                *gil_timeline.borrow_mut() =
                    Some(recorder.finish("gil-timeline", title, rows.clone()));
            }
            checksum(&outputs)
        }
    };
    let mut variants = vec![
        Variant::new("sequential", || {
            let out = sequential(tasks);
            let sum = checksum(&out);
            *outputs.borrow_mut() = out;
            sum
        }),
        Variant::new("rayon threads", || checksum(&with_rayon(tasks, &threads))),
        Variant::new("GIL simulator", gil_variant(GilUse::Held)),
    ];
    if released_gil {
        variants.push(Variant::new(
            "GIL released in C",
            gil_variant(GilUse::ReleasedInC),
        ));
    }
    variants.push(Variant::new("process pool", || {
        let (outputs, timeline) = with_process_pool(tasks, setup.program, setup.workers);
        *pool_timeline.borrow_mut() = timeline;
        checksum(&outputs)
    }));
    let (runs, capacity) = interleaved_probed(setup.reps, setup.workers, variants);
    JobRuns {
        runs,
        pool_timeline: pool_timeline.into_inner(),
        gil_timeline: gil_timeline.into_inner(),
        outputs: outputs.into_inner(),
        capacity,
    }
}

/// The table, verdicts and chart of a job's runs.
fn report_speedups(section: &mut Section, measured: &JobRuns, setup: Setup, chart_title: String) {
    let runs = &measured.runs;
    let comparison = compare(
        runs,
        setup.workers,
        &measured.capacity,
        "workers",
        chart_title,
    );
    section.capacity(&measured.capacity);
    for (r, speedup) in runs.iter().zip(&comparison.speedups).skip(1) {
        let variant = format!("{} ({})", r.name, setup.workers);
        if r.name == "process pool" {
            // With a few tasks per worker, the pool's start-up and warm-up put it near the edge
            // between "most of the ideal" and "close to the ideal": its words depend on the run.
            section.verdict(phrase!(
                "{}: {} the speed of sequential, {} of the {} this machine allows: {}.",
                variant,
                Measured::Ratio(speedup.ratio),
                Measured::Share(speedup.efficiency()),
                Measured::Machine(lesson_kit::capacity::format_ideal(speedup.ideal)),
                Measured::Varies(speedup.judgement().words().to_string())
            ));
        } else {
            section.verdict(speedup.verdict(&variant, "sequential"));
        }
    }
    let caption = format!(
        "Measured ({} interleaved runs each; speedup from the minimum times)",
        setup.reps
    );
    section.table(&caption, comparison.table);
    section.chart(comparison.chart);
}

/// The agreement check: every run of every variant produced the same outputs.
fn check_agreement(section: &mut Section, runs: &[Runs<u64>], what: Phrase) {
    match agreed_result(runs) {
        Ok(_) => {
            let mut line = phrase!("all {} variants agree, in every run: ", runs.len());
            line.segments.extend(what.segments);
            section.check(true, line);
        }
        Err(disagreement) => section.check(false, phrase!("variants disagree: {}", disagreement)),
    }
}

/// Experiment 1: count the primes below `limit`, in 16 tasks.
pub fn primes(limit: u64, setup: Setup) -> Section {
    let mut section = Section::new("primes", "Counting primes").about(
        "Count the primes below the size by trial division, in 16 tasks: one after another, on \
         rayon's threads, on threads under a simulated GIL (Python's threads), and on a pool of \
         worker processes (Python's multiprocessing), start-up included.",
    );
    let tasks = prime_tasks(limit, 16);
    let measured = measure_job(&tasks, setup, false);
    let primes: u64 = measured
        .outputs
        .iter()
        .map(|o| match o {
            Output::Count(c) => *c,
            _ => 0,
        })
        .sum();
    let checksum = checksum(&measured.outputs);
    check_agreement(
        &mut section,
        &measured.runs,
        phrase!(
            "{} primes below {} (checksum {})",
            primes,
            limit,
            format!("{checksum:016x}")
        ),
    );
    report_speedups(
        &mut section,
        &measured,
        setup,
        format!("Primes below {limit}: speedup over one thread"),
    );
    section.verdict(
        "Why: rayon and the processes computed side by side; under the GIL the threads took turns. \
         The processes also paid for starting and for every message.",
    );
    if let Some(t) = measured.gil_timeline {
        section.timeline(t);
    }
    if let Some(t) = measured.pool_timeline {
        section.timeline(t);
    }
    section
}

/// Experiment 2: the articles' sum of squares, `tasks` times over about `n` numbers.
pub fn squares(n: u64, tasks: u64, setup: Setup) -> Section {
    let mut section = Section::new("squares", "Sums of squares").about(
        "The articles' favourite: sum(i * i for i in range(n)) for several n near the size, one \
         task each. The same four ways; pure computation, tiny messages.",
    );
    let batch = square_tasks(n, tasks);
    let measured = measure_job(&batch, setup, false);
    let first = match measured.outputs.first() {
        Some(Output::Sum(s)) => *s,
        _ => 0,
    };
    let checksum = checksum(&measured.outputs);
    check_agreement(
        &mut section,
        &measured.runs,
        phrase!(
            "{} sums; the first, below {}, is {} (checksum {})",
            tasks,
            n,
            first.to_string(),
            format!("{checksum:016x}")
        ),
    );
    report_speedups(
        &mut section,
        &measured,
        setup,
        format!("{tasks} sums of squares: speedup over one thread"),
    );
    section
}

/// Experiment 3: thumbnails of `photos` (JPEG files in memory).
pub fn thumbnails(photos: &[Vec<u8>], setup: Setup) -> Section {
    let mut section = Section::new("thumbnails", "A batch of thumbnails").about(
        "Decode each 3000x2000 JPEG photo, shrink it to fit 800x800 with a Lanczos filter, encode \
         it at quality 85. Pillow releases the GIL inside its C code, so Python's threads do speed \
         this job up: a fifth variant releases the simulated GIL around each task.",
    );
    let tasks: Vec<Task> = photos
        .iter()
        .map(|jpeg| Task::Thumbnail { jpeg: jpeg.clone() })
        .collect();
    let measured = measure_job(&tasks, setup, true);
    let thumbs: Vec<_> = measured
        .outputs
        .iter()
        .filter_map(|o| match o {
            Output::Thumbnail(t) => Some(t),
            _ => None,
        })
        .collect();
    let bytes: usize = thumbs.iter().map(|t| t.jpeg.len()).sum();
    let size = thumbs.first().map_or((0, 0), |t| (t.width, t.height));
    let checksum = checksum(&measured.outputs);
    // The JPEG bytes depend on which vector instructions the CPU has, so they are a fact about
    // this machine: the same in every variant and run here, perhaps not elsewhere.
    check_agreement(
        &mut section,
        &measured.runs,
        phrase!(
            "{} thumbnails of {}x{} fitting {}x{} at quality {}, {} of JPEG (checksum {})",
            thumbs.len(),
            size.0,
            size.1,
            THUMBNAIL_BOX,
            THUMBNAIL_BOX,
            u32::from(THUMBNAIL_QUALITY),
            Measured::Machine(format!("{bytes} bytes")),
            Measured::Machine(format!("{checksum:016x}"))
        ),
    );
    let per_image = measured.runs[0].min_wall() / photos.len().max(1) as u32;
    section.result(phrase!(
        "one thumbnail on one thread: {} per photo",
        Measured::Time(per_image)
    ));
    report_speedups(
        &mut section,
        &measured,
        setup,
        format!("{} thumbnails: speedup over one thread", photos.len()),
    );
    if let Some(t) = measured.pool_timeline {
        section.timeline(t);
    }
    section
}
