//! A task that never ends: stopped within the limit plus a small fixed slack, sent once, its
//! worker killed, reaped and replaced, and every other result present.

use std::time::Duration;

use lesson_04_process_pool::jobs::{Misbehaviour, Task};
use lesson_kit::exercise::{Fault, Sandbox};
use lesson_kit::value::format_duration;

use super::results::every_result_present;
use super::{Judged, SLACK, TRIES, WORKERS, batch, wrong};
use crate::BatchSeen;

/// The endless task beside two short tasks that end long before its limit: it runs alone at the
/// end, so this measures the stop itself: a longer limit, or a grace before the kill, shows.
pub(super) fn endless_task_alone(sandbox: &mut Sandbox) -> Result<String, Judged> {
    endless_among(sandbox, 2, 100)
}

/// The endless task first, then slow-but-legal tasks, more of them than workers: the endless
/// task is never left running alone, so only a per-task deadline stops it in time.
pub(super) fn endless_task_among_slow_ones(sandbox: &mut Sandbox) -> Result<String, Judged> {
    endless_among(sandbox, 6, 250)
}

/// A batch of the endless task followed by `others` tasks of `each` ms, limit 400 ms.
pub(super) fn endless_among(
    sandbox: &mut Sandbox,
    others: usize,
    each: u64,
) -> Result<String, Judged> {
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
pub(super) fn endless_reported(
    tasks: &[Task],
    seen: &BatchSeen,
    limit: Duration,
) -> Result<(), Judged> {
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
pub(super) fn worker_stopped(seen: &BatchSeen) -> Result<Duration, Judged> {
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
