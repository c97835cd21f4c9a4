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

use lesson_kit::measure::{measure, median};
use lesson_kit::process::resident_memory;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::cpu_jobs::Setup;
use crate::jobs::{Output, Task, run_task};
use crate::pool::Pool;
use crate::worker::{Reply, Request};

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

/// Bytes of a task's request and reply frames, and the time to serialise and deserialise both.
pub fn message_cost(task: &Task, output: &Output) -> (usize, usize, Duration) {
    let request = Request {
        id: 1,
        attempt: 1,
        task,
    };
    let reply = Reply {
        id: 1,
        outcome: Ok(output.clone()),
    };
    let started = Instant::now();
    let request_bytes = postcard::to_stdvec(&request).expect("serialises");
    let _: Request<Task> = postcard::from_bytes(&request_bytes).expect("deserialises");
    let reply_bytes = postcard::to_stdvec(&reply).expect("serialises");
    let _: Reply = postcard::from_bytes(&reply_bytes).expect("deserialises");
    (
        4 + request_bytes.len(),
        4 + reply_bytes.len(),
        started.elapsed(),
    )
}

/// Resident memory added by `count` idle threads, per thread: (total, private) bytes.
pub fn memory_per_thread(count: usize) -> Option<(u64, u64)> {
    let me = std::process::id();
    let before = resident_memory(me)?;
    let barrier = std::sync::Barrier::new(count + 1);
    let after = std::thread::scope(|s| {
        for _ in 0..count {
            s.spawn(|| {
                let _ = run_task(
                    &Task::CountPrimes {
                        start: 0,
                        end: 1_000,
                    },
                    1,
                    &mut || {},
                );
                barrier.wait(); // all alive at once
                barrier.wait(); // until measured
            });
        }
        barrier.wait();
        let after = resident_memory(me);
        barrier.wait();
        after
    })?;
    let per = |a: u64, b: u64| a.saturating_sub(b) / count as u64;
    Some((
        per(after.total, before.total),
        per(after.private, before.private),
    ))
}

/// Shows each cost of a worker process next to the same cost for a thread, and when the pool
/// wins or loses the race with one thread.
pub fn costs(setup: Setup, photo: &[u8]) -> Section {
    let mut section = Section::new("costs", "What processes cost").about(
        "Starting a worker, sending it a task and getting the result back, and keeping it in \
         memory, each next to the same for a thread; then the same total work cut into tasks of \
         three sizes, to see where the pool's costs decide the race.",
    );
    let samples = setup.reps.max(3);
    let process_start: Vec<Duration> = (0..samples)
        .map(|_| worker_start_up(setup.program))
        .collect();
    let thread_start: Vec<Duration> = (0..samples).map(|_| thread_start_up()).collect();
    let mut one_worker = Pool::start(setup.program, 1).expect("a worker starts");
    let process_trip = (0..samples)
        .map(|_| pool_round_trip(&mut one_worker, 500))
        .min()
        .unwrap_or_default();
    one_worker.shutdown();
    let thread_trip = (0..samples)
        .map(|_| thread_round_trip(500))
        .min()
        .unwrap_or_default();
    let min = |d: &[Duration]| d.iter().copied().min().unwrap_or_default();
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

    // What each kind of task costs to send, next to what it costs to compute.
    let jobs = [
        (
            "count primes (1 of 16)",
            Task::CountPrimes {
                start: 0,
                end: 62_500,
            },
        ),
        ("sum of squares", Task::SumOfSquares { n: 10_000_000 }),
        (
            "thumbnail",
            Task::Thumbnail {
                jpeg: photo.to_vec(),
            },
        ),
    ];
    let mut messages = Table::new(&[
        ("task", "task"),
        ("request_bytes", "request"),
        ("reply_bytes", "reply"),
        ("serialise_s", "(de)serialise"),
        ("compute_s", "compute"),
        ("overhead", "serialising / computing"),
    ]);
    for (name, task) in &jobs {
        let started = Instant::now();
        let output = run_task(task, 1, &mut || {});
        let compute = started.elapsed();
        let (request, reply, serialise) = message_cost(task, &output);
        messages.row(vec![
            (*name).into(),
            Measured::Bytes(request as u64).into(),
            Measured::Bytes(reply as u64).into(),
            Measured::Time(serialise).into(),
            Measured::Time(compute).into(),
            Measured::Share(serialise.as_secs_f64() / compute.as_secs_f64().max(1e-9)).into(),
        ]);
    }
    section.table(
        "Messages: bytes on the pipe and time to serialise, per task",
        messages,
    );

    // Memory: each worker process after one task, next to one more thread.
    let mut pool = Pool::start(setup.program, setup.workers).expect("workers start");
    let warm_up: Vec<Task> = (0..setup.workers as u64)
        .map(|t| Task::CountPrimes {
            start: t * 1_000,
            end: (t + 1) * 1_000,
        })
        .collect();
    pool.run(&warm_up);
    let workers: Vec<_> = pool
        .worker_pids()
        .into_iter()
        .filter_map(resident_memory)
        .collect();
    pool.shutdown();
    let mut memory = Table::new(&[
        ("what", "one more"),
        ("rss", "resident (VmRSS)"),
        ("private", "private (RssAnon)"),
    ]);
    if let Some(w) = workers.iter().max_by_key(|w| w.total) {
        memory.row(vec![
            "worker process".into(),
            Measured::Bytes(w.total).into(),
            Measured::Bytes(w.private).into(),
        ]);
    }
    if let Some((total, private)) = memory_per_thread(32) {
        memory.row(vec![
            "thread (average of 32)".into(),
            Measured::Bytes(total).into(),
            Measured::Bytes(private).into(),
        ]);
    }
    section.table(
        "Memory, read from /proc/<pid>/status while they run",
        memory,
    );

    crate::task_sizes::wins_and_losses(&mut section, setup, process_trip);
    section
}
