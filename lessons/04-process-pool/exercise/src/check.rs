//! The judge: ordinary batches complete on the pool's workers; slow tasks within the limit are
//! left alone; a task that never ends is stopped within the limit plus a small fixed slack, once
//! beside short tasks (so the stop itself is timed) and once among slow-but-legal tasks, more
//! than workers, so it is never left alone; it is sent once, its worker killed, reaped and
//! replaced by the pool's own counters, and every other result is present. Every failure says
//! what the answer did. Each check starts its own contained runner.

use std::time::Duration;

use lesson_04_process_pool::jobs::{Misbehaviour, Output, Task, prime_tasks, run_task};
use lesson_kit::exercise::{Checklist, Fault, Limits, Sandbox};
use lesson_kit::value::format_duration;

use crate::{BatchSeen, Request};

/// The pool's size in every check: fewer workers than tasks.
const WORKERS: usize = 2;
/// How late the endless task's worker may die after its limit: scheduling, the kill, the reap.
const SLACK: Duration = Duration::from_millis(300);
/// A stop a little late is measured again, this many times in all, before it fails: a busy
/// machine can delay one batch, not every one.
const TRIES: usize = 3;

/// `cargo run -p lesson-04-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 04's exercise");
    let mut judge = Judge::default();
    let checklist = judge.check();
    println!("The answer ran contained: {}.", judge.files);
    print!("{}", judge.notes);
    checklist.print_and_exit()
}

/// Runs the checks in turn, each with a fresh runner, and keeps what the answer printed.
#[derive(Default)]
pub struct Judge {
    /// What protects the files, as the first runner reported it.
    pub files: String,
    /// Lines after the checklist: what the answer printed, quoted.
    pub notes: String,
    /// Set once the answer never returned: later checks are not waited for again.
    hung: Option<String>,
}

impl Judge {
    pub fn check(&mut self) -> Checklist {
        let mut checklist = Checklist::new();
        for (name, check) in [
            (
                "ordinary tasks complete on the pool",
                ordinary_batch as Check,
            ),
            ("slow tasks within the limit are left alone", slow_tasks),
            (
                "a task that never ends is stopped on time",
                endless_task_alone,
            ),
            (
                "among slow tasks, it is stopped once, the others complete",
                endless_task_among_slow_ones,
            ),
        ] {
            let result = self.contained(name, check);
            checklist.record(name, result);
        }
        checklist
    }

    /// Runs one check in a fresh runner and turns its faults into the check's failure.
    fn contained(&mut self, name: &str, check: Check) -> Result<String, String> {
        if let Some(earlier) = &self.hung {
            return Err(format!("not run: {earlier}"));
        }
        let mut sandbox = Sandbox::start(limits()).map_err(|f| f.to_string())?;
        self.files = sandbox.files.clone();
        let result = check(&mut sandbox);
        let printed = sandbox.printed();
        drop(sandbox);
        if !printed.trim().is_empty() {
            self.notes +=
                &format!("During \"{name}\" the answer printed (not the check's output):\n");
            for line in printed.lines().take(5) {
                self.notes += &format!("  | {line}\n");
            }
        }
        result.map_err(|judged| match judged {
            Judged::Wrong(why) => why,
            Judged::Stuck(why) => {
                self.hung = Some(format!("in \"{name}\", the answer never returned"));
                why
            }
            Judged::Fault(fault) => {
                if let Fault::NoReply(_) = fault {
                    self.hung = Some(format!("in \"{name}\", {fault}"));
                }
                fault.to_string()
            }
        })
    }
}

type Check = fn(&mut Sandbox) -> Result<String, Judged>;

/// How a check ended when it did not hold.
enum Judged {
    Wrong(String),
    /// Wrong, and the answer never returned: later checks would only wait for it again.
    Stuck(String),
    Fault(Fault),
}

fn wrong<T>(why: String) -> Result<T, Judged> {
    Err(Judged::Wrong(why))
}

/// Asks the runner for one batch.
fn batch(sandbox: &mut Sandbox, tasks: &[Task], limit: Duration) -> Result<BatchSeen, Judged> {
    let request = Request {
        tasks: tasks.to_vec(),
        workers: WORKERS,
        limit_ms: limit.as_millis() as u64,
    };
    let seen: BatchSeen = sandbox.ask(&request).map_err(Judged::Fault)?.reply;
    if let Some(why) = seen.cannot_start {
        return wrong(format!(
            "the check could not start the pool's workers: {why}"
        ));
    }
    Ok(seen)
}

/// What a task gives when it completes (a sleep gives nothing; nothing here is slept).
fn expected(task: &Task) -> Output {
    match task {
        Task::Sleep { .. } => Output::Nothing,
        task => run_task(task, 1, &mut || {}),
    }
}

fn describe(task: &Task) -> String {
    match task {
        Task::Sleep { millis } => format!("a {millis} ms task"),
        Task::CountPrimes { start, end } => format!("primes in {start}..{end}"),
        task => format!("{task:?}"),
    }
}

/// Every task reported once, run on the pool, and each one but `endless` with its right result.
fn every_result_present(
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

fn ordinary_batch(sandbox: &mut Sandbox) -> Result<String, Judged> {
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

fn slow_tasks(sandbox: &mut Sandbox) -> Result<String, Judged> {
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

/// The endless task beside two short tasks that end long before its limit: it runs alone at the
/// end, so this measures the stop itself: a longer limit, or a grace before the kill, shows.
fn endless_task_alone(sandbox: &mut Sandbox) -> Result<String, Judged> {
    endless_among(sandbox, 2, 100)
}

/// The endless task first, then slow-but-legal tasks, more of them than workers: the endless
/// task is never left running alone, so only a per-task deadline stops it in time.
fn endless_task_among_slow_ones(sandbox: &mut Sandbox) -> Result<String, Judged> {
    endless_among(sandbox, 6, 250)
}

/// A batch of the endless task followed by `others` tasks of `each` ms, limit 400 ms.
fn endless_among(sandbox: &mut Sandbox, others: usize, each: u64) -> Result<String, Judged> {
    let limit = Duration::from_millis(400);
    let mut tasks = vec![Task::Misbehave(Misbehaviour::Hangs)];
    tasks.extend(vec![Task::Sleep { millis: each }; others]);
    let alone_after = Duration::from_millis(each * others as u64);
    let mut late = Vec::new();
    for _ in 0..TRIES {
        let seen = match batch(sandbox, &tasks, limit) {
            Err(Judged::Fault(Fault::NoReply(after))) => {
                return Err(Judged::Stuck(format!(
                    "a batch with one task that never ends (limit {}) had not returned after {} \
                     s: the answer waits for that task forever, tries it again and again, or \
                     spends long on every stop. Wait for events only until the earliest \
                     deadline, stop the overdue worker at once, and report its task failed, once",
                    format_duration(limit),
                    after.as_secs()
                )));
            }
            other => other?,
        };
        endless_reported(&tasks, &seen, limit)?;
        let stopped = worker_stopped(&seen)?;
        if stopped <= limit + SLACK {
            return Ok(format!(
                "its worker was killed {} after the batch started (limit {}), reaped and \
                 replaced; sent once; the {} other tasks of {each} ms completed",
                format_duration(stopped),
                format_duration(limit),
                others
            ));
        }
        late.push(stopped);
        // A busy machine delays a kill by a little, not by seconds: far too late is judged at once.
        if stopped > (limit + SLACK) * 2 {
            break;
        }
    }
    let tries = late.len();
    let stopped = late.into_iter().min().unwrap_or_default();
    // The pool goes quiet once the other tasks are done: an answer that waits for that stops
    // the endless task one limit after they end.
    let quiet = alone_after + limit;
    let why = if others > WORKERS && stopped + SLACK / 2 >= quiet && stopped <= quiet + SLACK {
        format!(
            "only once the other tasks had finished ({} of them take {} on one worker) and the \
             pool had been quiet for the limit: a per-task deadline, counted from when that \
             task was sent, stops it while others still run",
            tasks.len() - 1,
            format_duration(alone_after)
        )
    } else {
        format!(
            "at {:.1} times the limit: is a longer limit used than the one given, or is the worker \
             given time to finish (a grace) before it is killed? Stop it with Duration::ZERO",
            stopped.as_secs_f64() / limit.as_secs_f64()
        )
    };
    wrong(format!(
        "the endless task's worker was killed {} after the batch started ({}), but the limit \
         is {} (allowed up to {}): it was stopped {why}",
        format_duration(stopped),
        if tries == 1 {
            "measured once: far too late".to_string()
        } else {
            format!("the earliest of {tries} tries")
        },
        format_duration(limit),
        format_duration(limit + SLACK)
    ))
}

/// The endless task reported timed out after one attempt, and every other result present.
fn endless_reported(tasks: &[Task], seen: &BatchSeen, limit: Duration) -> Result<(), Judged> {
    every_result_present(tasks, seen, limit, Some(0))?;
    match &seen.outcomes[0] {
        Err(why) if why.contains("timed out") => {}
        Err(why) => {
            return wrong(format!(
                "the endless task failed, but the reason does not say \"timed out\": {why}"
            ));
        }
        Ok(output) => {
            return wrong(format!(
                "the endless task is reported as a success ({output:?})"
            ));
        }
    }
    let n = tasks.len() as u64;
    if seen.requests_sent > n {
        return wrong(format!(
            "the pool's workers were sent {} tasks for a batch of {n}: the task that timed out \
             was tried again, and would only time out again. Report it failed after one attempt",
            seen.requests_sent
        ));
    }
    Ok(())
}

/// When the endless task's worker was last seen alive: it must be killed, reaped and replaced.
fn worker_stopped(seen: &BatchSeen) -> Result<Duration, Judged> {
    if seen.busy_workers > 0 {
        return wrong(format!(
            "after the batch, {} of the pool's workers were still running a task: the endless \
             task was reported but its worker was left running it. Stop the worker with \
             pool.replace(worker, why, Duration::ZERO)",
            seen.busy_workers
        ));
    }
    if let Some(worker) = seen.gone.iter().find(|w| w.still_running) {
        return wrong(format!(
            "the worker that ran the endless task (pid {}) was taken out of the pool but is \
             still running: it must be killed and reaped",
            worker.pid
        ));
    }
    match (seen.workers_replaced, seen.gone.as_slice()) {
        (1, [worker]) => {
            if seen.live_workers < WORKERS {
                return wrong(format!(
                    "after the batch the pool has {} live workers instead of {WORKERS}: the \
                     stopped worker was not replaced",
                    seen.live_workers
                ));
            }
            Ok(worker.last_seen_alive)
        }
        (0, []) => wrong(
            "no worker was stopped: the endless task's worker must be killed and replaced \
             (pool.replace)"
                .to_string(),
        ),
        (replaced, _) => wrong(format!(
            "the pool replaced {replaced} workers for a batch with one endless task: only the \
             worker past its deadline is stopped"
        )),
    }
}

/// A pool of 2 workers and a replacement, and room for the answer's own mistakes.
fn limits() -> Limits {
    Limits {
        reply_within: Duration::from_secs(6),
        ..Limits::default()
    }
}
