//! The two tables of the costs experiment: what a task costs on the pipe, and what a worker
//! costs in memory, each next to the same for a thread.

use std::time::{Duration, Instant};

use lesson_kit::Measured;
use lesson_kit::process::resident_memory;
use lesson_kit::table::Table;

use crate::cpu_jobs::Setup;
use crate::jobs::{Output, Task, run_task};
use crate::pool::Pool;
use crate::worker::{Reply, Request};

/// What each kind of task costs to send, next to what it costs to compute.
pub(super) fn messages(photo: &[u8]) -> Table {
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
    messages
}

/// Memory: each worker process after one task, next to one more thread.
pub(super) fn memory(setup: Setup) -> Table {
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
    memory
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
