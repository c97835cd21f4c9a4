//! Ordinary and slow batches: every result present and right, computed on the pool's workers.

use lesson_04_process_pool::jobs::{Output, Task, prime_tasks, run_task};

use super::{Judged, WORKERS, batch, wrong};
use crate::BatchSeen;
use lesson_kit::exercise::Sandbox;
use lesson_kit::value::format_duration;
use std::time::Duration;

/// What a task gives when it completes (a sleep gives nothing; nothing here is slept).
pub(super) fn expected(task: &Task) -> Output {
    match task {
        Task::Sleep { .. } => Output::Nothing,
        task => run_task(task, 1, &mut || {}),
    }
}

pub(super) fn describe(task: &Task) -> String {
    match task {
        Task::Sleep { millis } => format!("a {millis} ms task"),
        Task::CountPrimes { start, end } => format!("primes in {start}..{end}"),
        task => format!("{task:?}"),
    }
}

/// Every task reported once, run on the pool, and each one but `endless` with its right result.
pub(super) fn every_result_present(
    tasks: &[Task],
    seen: &BatchSeen,
    limit: Duration,
    endless: Option<usize>,
) -> Result<(), Judged> {
    let n = tasks.len();
    if seen.outcomes.len() != n {
        return wrong(format!(
            "{n} tasks were submitted but {} reported: every task must be reported exactly once, \
             in order",
            seen.outcomes.len()
        ));
    }
    for (i, (task, outcome)) in tasks.iter().zip(&seen.outcomes).enumerate() {
        if Some(i) == endless {
            continue;
        }
        let right = expected(task);
        match outcome {
            Ok(output) if *output == right => {}
            Ok(output) => return wrong(format!("task {i} gave {output:?}, expected {right:?}")),
            Err(why) if why.contains("timed out") => {
                return wrong(format!(
                    "task {i}, {} (under the {} limit), was reported failed with \"{why}\": \
                     each task's clock starts when it is sent to its worker, and only a task past \
                     its own deadline is stopped",
                    describe(task),
                    format_duration(limit)
                ));
            }
            Err(why) => {
                return wrong(format!(
                    "task {i}, {}, was reported failed (\"{why}\"); it should have completed",
                    describe(task)
                ));
            }
        }
    }
    // Right results without the pool: computed somewhere else.
    if seen.requests_sent < n as u64 {
        return wrong(format!(
            "the pool's workers were sent {} of the {n} tasks: the answer ran them somewhere \
             else (on its own threads?). Run every task on the pool, with pool.send",
            seen.requests_sent
        ));
    }
    Ok(())
}

pub(super) fn ordinary_batch(sandbox: &mut Sandbox) -> Result<String, Judged> {
    let tasks = prime_tasks(40_000, 6);
    let seen = batch(sandbox, &tasks, Duration::from_secs(20))?;
    every_result_present(&tasks, &seen, Duration::from_secs(20), None)?;
    if seen.workers_replaced > 0 {
        return wrong(format!(
            "no task came near the 20 s limit, yet {} worker(s) were replaced",
            seen.workers_replaced
        ));
    }
    Ok(format!(
        "{} tasks on {WORKERS} workers, every result right",
        tasks.len()
    ))
}

pub(super) fn slow_tasks(sandbox: &mut Sandbox) -> Result<String, Judged> {
    let (limit, each) = (Duration::from_millis(600), 300);
    let tasks = vec![Task::Sleep { millis: each }; 6];
    let seen = batch(sandbox, &tasks, limit)?;
    every_result_present(&tasks, &seen, limit, None)?;
    Ok(format!(
        "6 tasks of {each} ms on {WORKERS} workers, limit {}: none stopped, though the batch \
         took {}",
        format_duration(limit),
        format_duration(seen.took)
    ))
}
