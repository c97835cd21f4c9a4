// Lesson 04 exercise: edit this file, then check it with
//     cargo run -p lesson-04-exercise
// The hints are in the book, chapter "Process pools", section "Exercises".

use std::collections::VecDeque;
use std::time::Duration;

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Event, Job, MAX_ATTEMPTS, Pool, TaskReport};

// ANCHOR: run_with_time_limit
/// Runs every task, as `Pool::run` does, but no task may run longer than `limit`: its worker is
/// stopped and replaced, and the task reported failed with a reason that says "timed out".
/// Every other task must still complete.
pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
    let _ = limit; // TODO: use it (see below)
    let mut reports: Vec<Option<TaskReport>> = vec![None; tasks.len()];
    let mut queue: VecDeque<Job> = (0..tasks.len())
        .map(|task| Job { task, attempt: 1 })
        .collect();
    let mut unfinished = tasks.len();
    while unfinished > 0 {
        for worker in pool.idle_workers() {
            let Some(job) = queue.pop_front() else { break };
            pool.send(worker, job, &tasks[job.task]);
        }
        // TODO: `next_event(None)` waits as long as it takes, so a task that never ends blocks
        // the whole batch. Wait at most until the earliest deadline instead:
        // `pool.busy_workers()` says which job each busy worker runs and since when. When a
        // worker is past the limit, stop it with `pool.replace(worker, why, Duration::ZERO)`
        // (it starts a replacement) and report its task as failed, with "timed out" in the
        // reason. Do not retry it: it would time out again.
        let (job, outcome) = match pool.next_event(None) {
            Some(Event::Done { job, outcome, .. }) => (job, outcome),
            Some(Event::Lost {
                job: Some(job),
                cause,
                ..
            }) => {
                if job.attempt < MAX_ATTEMPTS {
                    queue.push_front(Job {
                        task: job.task,
                        attempt: job.attempt + 1,
                    });
                    continue;
                }
                (job, Err(cause))
            }
            Some(Event::Lost { job: None, .. }) | None => continue,
        };
        reports[job.task] = Some(TaskReport {
            outcome,
            attempts: job.attempt,
            lost_attempts: Vec::new(),
        });
        unfinished -= 1;
    }
    reports
        .into_iter()
        .map(|r| r.expect("every task was reported"))
        .collect()
}
// ANCHOR_END: run_with_time_limit
