//! Experiment 6: what processes buy.
//!
//! A thread that corrupts memory, aborts or is killed takes its whole process down, with every
//! other thread in it. A worker process that does the same takes down only itself: the pool
//! sees its pipe close, learns from the exit status what happened, starts a replacement and
//! tries the task again. Isolation is the real reason a Rust program uses processes: for code
//! that may crash (C libraries, plugins, untrusted input), not for speed.

use std::time::{Duration, Instant};

use lesson_kit::process::not_reaped;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::cpu_jobs::{Setup, sequential};
use crate::jobs::{Misbehaviour, Output, Task, prime_tasks};
use crate::pool::{Job, MAX_ATTEMPTS, Pool, TaskReport};

/// What a task of the batch does, in words.
pub fn describe_task(task: &Task) -> String {
    match task {
        Task::CountPrimes { start, end } => format!("count primes in {start}..{end}"),
        Task::Misbehave(Misbehaviour::Panic) => "panics".into(),
        Task::Misbehave(Misbehaviour::Abort) => "aborts its process".into(),
        Task::Misbehave(Misbehaviour::KilledOnFirstAttempt) => "is killed (SIGKILL) once".into(),
        Task::Misbehave(Misbehaviour::WritesGarbage) => "prints to stdout".into(),
        Task::Misbehave(Misbehaviour::Hangs) => "never ends".into(),
        other => format!("{other:?}"),
    }
}

// ANCHOR: batch
/// Eight ordinary tasks with four troublemakers among them.
pub fn troubled_batch() -> Vec<Task> {
    let mut tasks = prime_tasks(80_000, 8);
    let troubles = [
        Misbehaviour::Panic,
        Misbehaviour::Abort,
        Misbehaviour::KilledOnFirstAttempt,
        Misbehaviour::WritesGarbage,
    ];
    for (i, trouble) in troubles.into_iter().enumerate() {
        tasks.insert(1 + 3 * i, Task::Misbehave(trouble));
    }
    tasks
}
// ANCHOR_END: batch

/// The accounting of a batch: every task submitted ends exactly once, as a success or a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounting {
    pub submitted: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub attempts: u64,
}

pub fn account(reports: &[TaskReport]) -> Accounting {
    Accounting {
        submitted: reports.len(),
        succeeded: reports.iter().filter(|r| r.outcome.is_ok()).count(),
        failed: reports.iter().filter(|r| r.outcome.is_err()).count(),
        attempts: reports.iter().map(|r| u64::from(r.attempts)).sum(),
    }
}

/// Runs the troubled batch on the pool and shows that every task is accounted for, the ordinary
/// ones with the right results, and that no worker process is left behind.
pub fn crashes(setup: Setup) -> Section {
    let mut section = Section::new("crashes", "What processes buy").about(
        "A batch of 12 tasks on the pool: 8 count primes, one panics, one aborts its process, one \
         has its process killed (as the out-of-memory killer would), one prints to stdout, which \
         is the pool's pipe. The pool must report each failure, replace lost workers, retry once \
         and finish every other task.",
    );
    let tasks = troubled_batch();
    let mut pool = Pool::start(setup.program, setup.workers).expect("workers start");
    let reports = pool.run(&tasks);
    let stats = pool.stats();
    let pids = pool.all_pids().to_vec();
    pool.shutdown();

    let accounting = account(&reports);
    section.check(
        accounting.submitted == accounting.succeeded + accounting.failed
            && accounting.submitted == tasks.len(),
        phrase!(
            "submitted {} = succeeded {} + failed {}; {} attempts in all; {} workers replaced",
            accounting.submitted,
            accounting.succeeded,
            accounting.failed,
            accounting.attempts,
            stats.workers_replaced
        ),
    );
    let ordinary: Vec<usize> = (0..tasks.len())
        .filter(|&i| matches!(tasks[i], Task::CountPrimes { .. }))
        .collect();
    let expected = sequential(
        &ordinary
            .iter()
            .map(|&i| tasks[i].clone())
            .collect::<Vec<_>>(),
    );
    let got: Vec<Option<&Output>> = ordinary
        .iter()
        .map(|&i| reports[i].outcome.as_ref().ok())
        .collect();
    section.check(
        got.iter().zip(&expected).all(|(g, e)| *g == Some(e)),
        phrase!(
            "all {} ordinary tasks succeeded, with the same counts as on one thread",
            ordinary.len()
        ),
    );
    let (left, zombies) = not_reaped(&pids);
    section.check(
        left.is_empty(),
        phrase!(
            "all {} worker processes started have exited and been reaped: {} still a child of \
             this process, {} of them zombies",
            pids.len(),
            left.len(),
            zombies
        ),
    );
    let dropped = dropped_while_busy(setup);
    section.check(
        dropped.left == 0,
        phrase!(
            "a pool dropped while its {} workers ran tasks that never end: all killed and reaped \
             ({} left as children, {} zombies), in {}",
            dropped.workers,
            dropped.left,
            dropped.zombies,
            Measured::Time(dropped.took)
        ),
    );

    let mut table = Table::new(&[
        ("task", "task"),
        ("outcome", "outcome"),
        ("attempts", "attempts"),
    ]);
    let mut reasons = Vec::new();
    for (i, (task, report)) in tasks.iter().zip(&reports).enumerate() {
        let outcome = match &report.outcome {
            Ok(Output::Count(count)) => format!("ok: {count} primes"),
            Ok(other) => format!("ok: {other:?}"),
            Err(_) => "failed".to_string(),
        };
        for lost in &report.lost_attempts {
            reasons.push(format!(
                "task {i} ({}), a lost attempt: {lost}",
                describe_task(task)
            ));
        }
        if let Err(cause) = &report.outcome {
            reasons.push(format!(
                "task {i} ({}), failed: {cause}",
                describe_task(task)
            ));
        }
        let name = format!("{i}: {}", describe_task(task));
        table.row(vec![name.into(), outcome.into(), report.attempts.into()]);
    }
    section.table(
        &format!("Each task, as the pool reported it (at most {MAX_ATTEMPTS} attempts when a worker is lost)"),
        table,
    );
    section.listing(
        "What the pool reported, in its own words:",
        &reasons.join("\n"),
    );
    section.verdict(
        "A panic is caught in the worker and reported like a Python exception; the worker lives on. \
         An abort, a kill or garbage on the pipe cost the worker its life, and the pool a new process.",
    );
    section.verdict(
        "Retrying rescued the task whose worker was killed once; the abort and the garbage happened \
         again on the second attempt, so those tasks are reported failed. Nothing was lost or counted twice.",
    );
    section
}

/// What dropping a busy pool left behind.
#[derive(Debug, Clone, Copy)]
pub struct Dropped {
    pub workers: usize,
    /// Workers still children of this process afterwards, zombies included.
    pub left: usize,
    pub zombies: usize,
    pub took: Duration,
}

// ANCHOR: dropped_while_busy
/// Starts a pool, gives every worker a task that never ends, and drops the pool. Counts the
/// workers still children of this process right after the drop, zombies included, before any
/// other thread ends.
pub fn dropped_while_busy(setup: Setup) -> Dropped {
    let mut pool = Pool::start(setup.program, setup.workers).expect("workers start");
    let hang = Task::Misbehave(Misbehaviour::Hangs);
    for (task, worker) in pool.idle_workers().into_iter().enumerate() {
        pool.send(worker, Job { task, attempt: 1 }, &hang);
    }
    let pids = pool.all_pids().to_vec();
    let started = Instant::now();
    drop(pool);
    let took = started.elapsed();
    let (left, zombies) = not_reaped(&pids);
    Dropped {
        workers: pids.len(),
        left: left.len(),
        zombies,
        took,
    }
}
// ANCHOR_END: dropped_while_busy
