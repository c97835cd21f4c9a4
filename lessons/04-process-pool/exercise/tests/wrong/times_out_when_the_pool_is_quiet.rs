// A plausible wrong answer: it waits for the next event at most `limit`, and when nothing
// arrives in that time it stops every busy worker. While other tasks keep finishing, the pool
// is never quiet, so an endless task runs on until it is alone.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Event, Job, MAX_ATTEMPTS, Pool, TaskReport};

pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
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
        // Each task's clock starts when it was sent to its worker, not when the batch started.
        let now = Instant::now();
        let busy = pool.busy_workers();
        let _ = now;
        if false {
            let (worker, job) = (busy[0].0, busy[0].1);
            let why = format!("timed out after {limit:?}");
            pool.replace(worker, &why, Duration::ZERO);
            reports[job.task] = Some(TaskReport {
                outcome: Err(why),
                attempts: job.attempt,
                lost_attempts: Vec::new(),
            });
            unfinished -= 1;
            continue;
        }
        let (job, outcome) = match pool.next_event(Some(limit)) {
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
            Some(Event::Lost { job: None, .. }) => continue,
            None => {
                let why = format!("timed out after {limit:?}");
                for (worker, job, _) in pool.busy_workers() {
                    pool.replace(worker, &why, Duration::ZERO);
                    reports[job.task] = Some(TaskReport {
                        outcome: Err(why.clone()),
                        attempts: job.attempt,
                        lost_attempts: Vec::new(),
                    });
                    unfinished -= 1;
                }
                continue;
            }
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
