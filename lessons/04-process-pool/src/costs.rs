//! Experiment 4: what processes cost.
//!
//! A thread shares its process's memory: handing it a task is passing a pointer. A worker
//! process shares nothing: it must be started (a whole program, from `exec` to `main`), every
//! task and every result must be serialised, piped and deserialised, and each process has its
//! own heap and stacks. This experiment measures each of those costs, then shows where they
//! decide the race: many tiny tasks, where the pool loses, and few big ones, where it wins.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lesson_kit::measure::{Runs, Variant, interleaved, measure, median};
use lesson_kit::{Measured, Section, phrase};

use crate::cpu_jobs::Setup;
use crate::jobs::{Output, Task, run_task};
use crate::pool::Pool;

mod tables;

// ANCHOR: start_up
/// The time from asking for a worker to its first answer: fork and exec, the program's start,
/// and one round trip of an empty task.
pub fn worker_start_up(program: &Path) -> Duration {
    let started = Instant::now();
    let mut pool = Pool::start(program, 1).expect("a worker starts");
    pool.run(&[Task::Nothing]);
    let elapsed = started.elapsed();
    pool.shutdown();
    elapsed
}
// ANCHOR_END: start_up

// ANCHOR: warm_up
/// The same thumbnail three times in a row on one fresh worker. A new process starts with an
/// empty heap: the kernel hands it zeroed pages as it first touches them, so its first tasks
/// take longer than the same tasks later. Threads share a heap that is already warm.
pub fn fresh_worker_tasks(program: &Path, photo: &[u8]) -> Vec<Duration> {
    let mut pool = Pool::start(program, 1).expect("a worker starts");
    let task = [Task::Thumbnail {
        jpeg: photo.to_vec(),
    }];
    let times = (0..3).map(|_| measure(|| pool.run(&task)).1.wall).collect();
    pool.shutdown();
    times
}
// ANCHOR_END: warm_up

/// The same for a thread: spawn it and receive its first answer.
pub fn thread_start_up() -> Duration {
    let started = Instant::now();
    let answer = std::thread::spawn(|| run_task(&Task::Nothing, 1, &mut || {}));
    let _ = answer.join();
    started.elapsed()
}

/// Time per empty task sent to one worker process and answered: the pool's own cost per task.
pub fn pool_round_trip(pool: &mut Pool, tasks: usize) -> Duration {
    let nothing = vec![Task::Nothing; tasks];
    let started = Instant::now();
    pool.run(&nothing);
    started.elapsed() / tasks as u32
}

/// Time per empty task sent to one thread over a channel and answered.
pub fn thread_round_trip(tasks: usize) -> Duration {
    let (to_thread, inbox) = mpsc::channel::<Task>();
    let (to_main, answers) = mpsc::channel::<Output>();
    let thread = std::thread::spawn(move || {
        for task in inbox {
            let _ = to_main.send(run_task(&task, 1, &mut || {}));
        }
    });
    let started = Instant::now();
    for _ in 0..tasks {
        let _ = to_thread.send(Task::Nothing);
        let _ = answers.recv();
    }
    let elapsed = started.elapsed() / tasks as u32;
    drop(to_thread);
    let _ = thread.join();
    elapsed
}

/// What starting a worker and one empty task there and back cost, for a process and a thread.
struct Overheads {
    process_start: Vec<Duration>,
    thread_start: Vec<Duration>,
    /// Time per task, each run of 500 tasks.
    process_trip: Vec<Duration>,
    thread_trip: Vec<Duration>,
}

/// Measures each overhead `samples` times, the process and the thread interleaved (a slow patch of
/// the machine hits both alike). Each run's result is its own timing: a start-up ends at the first
/// answer, before the worker is shut down, and a round trip is per task.
fn measure_overheads(program: &Path, samples: usize) -> Overheads {
    let starts = interleaved(
        samples,
        vec![
            Variant::new("worker process", || worker_start_up(program)),
            Variant::new("thread", thread_start_up),
        ],
    );
    let mut one_worker = Pool::start(program, 1).expect("a worker starts");
    let trips = interleaved(
        samples,
        vec![
            Variant::new("worker process", || pool_round_trip(&mut one_worker, 500)),
            Variant::new("thread", || thread_round_trip(500)),
        ],
    );
    one_worker.shutdown();
    let [process_start, thread_start] = results_of_two(starts);
    let [process_trip, thread_trip] = results_of_two(trips);
    Overheads {
        process_start,
        thread_start,
        process_trip,
        thread_trip,
    }
}

/// What each run of the two variants returned, the process's first.
fn results_of_two(runs: Vec<Runs<Duration>>) -> [Vec<Duration>; 2] {
    let results: Vec<_> = runs.into_iter().map(|r| r.results).collect();
    results.try_into().expect("two variants")
}

fn min(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

/// Shows each cost of a worker process next to the same cost for a thread, and when the pool
/// wins or loses the race with one thread.
pub fn costs(setup: Setup, photo: &[u8]) -> Section {
    let mut section = Section::new("costs", "What processes cost").about(
        "Starting a worker, sending it a task and getting the result back, and keeping it in \
         memory, each next to the same for a thread; then the same total work cut into tasks of \
         three sizes, to see where the pool's costs decide the race.",
    );
    let o = measure_overheads(setup.program, setup.reps.max(3));
    let (process_start, thread_start) = (o.process_start, o.thread_start);
    let (process_trip, thread_trip) = (min(&o.process_trip), min(&o.thread_trip));
    section.result(phrase!(
        "starting a worker process and getting its first answer: {} (median {}); a thread: {}",
        Measured::Time(min(&process_start)),
        Measured::Time(median(process_start.clone())),
        Measured::Time(min(&thread_start))
    ));
    section.result(phrase!(
        "one empty task there and back: {} to a worker process through its pipes, {} to a thread through a channel",
        Measured::Time(process_trip),
        Measured::Time(thread_trip)
    ));

    let fresh = fresh_worker_tasks(setup.program, photo);
    section.result(phrase!(
        "one fresh worker, the same thumbnail three times in a row: {}, {}, {}",
        Measured::Time(fresh[0]),
        Measured::Time(fresh[1]),
        Measured::Time(fresh[2])
    ));

    section.table(
        "Messages: bytes on the pipe and time to serialise, per task",
        tables::messages(photo),
    );
    section.table(
        "Memory, read from /proc/<pid>/status while they run",
        tables::memory(setup),
    );

    crate::task_sizes::wins_and_losses(&mut section, setup, process_trip);
    section
}
