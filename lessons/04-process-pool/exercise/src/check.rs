//! The check a teacher runs: ordinary batches still complete, a task that never ends is stopped
//! and reported while the others complete, its worker is gone and replaced, and a slow task
//! within the limit is left alone. Every failure says what is wrong in a student's words.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lesson_04_process_pool::cpu_jobs::sequential;
use lesson_04_process_pool::jobs::{Misbehaviour, Output, Task, prime_tasks};
use lesson_04_process_pool::pool::{Pool, TaskReport};
use lesson_kit::exercise::Checklist;
use lesson_kit::process::is_running;
use lesson_kit::value::format_duration;

/// The function the exercise asks for.
#[derive(Clone, Copy)]
pub struct Answer {
    pub run_with_time_limit: fn(&mut Pool, &[Task], Duration) -> Vec<TaskReport>,
}

/// A backstop; each check has a tighter limit of its own where a hang is the likely mistake.
const LIMIT: Duration = Duration::from_secs(60);

/// How long the check waits for a batch with an endless task before calling it stuck.
const STUCK_AFTER: Duration = Duration::from_secs(5);

/// The outputs a batch's reports must contain, or the first task that went wrong.
fn expect_outputs(tasks: &[Task], reports: &[TaskReport], skip: &[usize]) -> Result<(), String> {
    if reports.len() != tasks.len() {
        return Err(format!(
            "{} tasks were submitted but {} reported: every task must be reported exactly once",
            tasks.len(),
            reports.len()
        ));
    }
    for (i, (task, report)) in tasks.iter().zip(reports).enumerate() {
        if skip.contains(&i) {
            continue;
        }
        let expected = sequential(std::slice::from_ref(task)).remove(0);
        match &report.outcome {
            Ok(output) if *output == expected => {}
            Ok(output) => return Err(format!("task {i} gave {output:?}, expected {expected:?}")),
            Err(why) => {
                return Err(format!(
                    "task {i} ({task:?}) failed: {why}; it should have succeeded"
                ));
            }
        }
    }
    Ok(())
}

fn ordinary_batch(answer: Answer, program: PathBuf) -> Result<String, String> {
    let tasks = prime_tasks(40_000, 6);
    let mut pool = Pool::start(&program, 2).map_err(|e| format!("cannot start workers: {e}"))?;
    let reports = (answer.run_with_time_limit)(&mut pool, &tasks, Duration::from_secs(20));
    expect_outputs(&tasks, &reports, &[])?;
    Ok("6 ordinary tasks completed with the right results".to_string())
}

/// What the endless batch left behind, measured inside the thread that ran it.
struct EndlessRun {
    reports: Vec<TaskReport>,
    took: Duration,
    left_running: Vec<u32>,
    workers_after: usize,
    still_busy: usize,
}

fn endless_task(answer: Answer, program: PathBuf) -> Result<String, String> {
    let limit = Duration::from_millis(500);
    let mut tasks = prime_tasks(40_000, 5);
    tasks.insert(1, Task::Misbehave(Misbehaviour::Hangs));
    let batch = tasks.clone();
    let (done, outcome) = mpsc::channel();
    // On its own thread, so that a pool stuck on the endless task cannot stick the check too.
    std::thread::spawn(move || {
        let mut pool = match Pool::start(&program, 2) {
            Ok(pool) => pool,
            Err(e) => return drop(done.send(Err(format!("cannot start workers: {e}")))),
        };
        let started = Instant::now();
        let reports = (answer.run_with_time_limit)(&mut pool, &batch, limit);
        let took = started.elapsed();
        let current = pool.worker_pids();
        let left_running = pool
            .all_pids()
            .iter()
            .copied()
            .filter(|pid| !current.contains(pid) && is_running(*pid))
            .collect();
        let workers_after = current.iter().filter(|&&pid| is_running(pid)).count();
        let still_busy = pool.busy_workers().len();
        let _ = done.send(Ok(EndlessRun {
            reports,
            took,
            left_running,
            workers_after,
            still_busy,
        }));
    });
    let run = match outcome.recv_timeout(STUCK_AFTER) {
        Ok(run) => run?,
        Err(_) => {
            return Err(format!(
                "a batch with one task that never ends (limit {limit:?}) was still running after {} s: \
                 the pool waits forever for that task. Wait for events only until the earliest deadline, \
                 then stop the overdue worker.",
                STUCK_AFTER.as_secs()
            ));
        }
    };
    expect_outputs(&tasks, &run.reports, &[1])?;
    match &run.reports[1].outcome {
        Err(why) if why.contains("timed out") => {}
        Err(why) => {
            return Err(format!(
                "the endless task failed, but the reason does not say \"timed out\": {why}"
            ));
        }
        Ok(output) => {
            return Err(format!(
                "the endless task is reported as a success ({output:?})"
            ));
        }
    }
    if let Some(pid) = run.left_running.first() {
        return Err(format!(
            "the worker that ran the endless task (pid {pid}) is still running: stop it with \
             pool.replace(worker, why, Duration::ZERO)"
        ));
    }
    if run.still_busy > 0 {
        return Err(format!(
            "after the batch, {} worker(s) of the pool are still busy, running the endless task: \
             a worker past its limit must be stopped and replaced with pool.replace(worker, why, Duration::ZERO)",
            run.still_busy
        ));
    }
    if run.workers_after < 2 {
        return Err(format!(
            "after the batch the pool has {} live workers instead of 2: replace the stopped worker",
            run.workers_after
        ));
    }
    if run.took > limit * 4 {
        return Err(format!(
            "the batch took {:?}, far more than the {limit:?} limit: is the endless task stopped as soon as its limit passes?",
            run.took
        ));
    }
    Ok(format!(
        "the endless task was stopped and reported \"timed out\" after the {limit:?} limit, its worker \
         replaced, and the 5 other tasks completed (in {})",
        format_duration(run.took)
    ))
}

fn slow_tasks_within_the_limit(answer: Answer, program: PathBuf) -> Result<String, String> {
    let (limit, each) = (Duration::from_millis(600), 300);
    let tasks = vec![Task::Sleep { millis: each }; 6];
    let mut pool = Pool::start(&program, 2).map_err(|e| format!("cannot start workers: {e}"))?;
    let reports = (answer.run_with_time_limit)(&mut pool, &tasks, limit);
    if let Some(i) = reports.iter().position(|r| r.outcome.is_err()) {
        return Err(format!(
            "task {i} takes {each} ms, under the {limit:?} limit, but was reported failed ({}): \
             measure each task from when it was sent to its worker, not from the start of the batch",
            reports[i].outcome.clone().unwrap_err()
        ));
    }
    expect_outputs(&tasks, &reports, &[])?;
    if reports.iter().any(|r| r.outcome != Ok(Output::Nothing)) {
        return Err("a sleeping task returned something unexpected".to_string());
    }
    Ok(format!(
        "6 tasks of {each} ms each, {limit:?} limit: none was stopped, though the batch took longer than the limit"
    ))
}

/// Runs every check on `answer`, with `program` as the pool's worker executable.
pub fn check(answer: Answer, program: PathBuf) -> Checklist {
    let mut checklist = Checklist::new();
    let p = program.clone();
    checklist.check("ordinary tasks still complete", LIMIT, move || {
        ordinary_batch(answer, p)
    });
    let p = program.clone();
    checklist.check("a task that never ends is stopped", LIMIT, move || {
        endless_task(answer, p)
    });
    checklist.check(
        "slow tasks within the limit are left alone",
        LIMIT,
        move || slow_tasks_within_the_limit(answer, program),
    );
    checklist
}
