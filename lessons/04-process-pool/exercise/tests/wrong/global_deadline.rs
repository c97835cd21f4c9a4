// A plausible wrong answer: one deadline for the whole batch, counted from its start, so tasks
// that start late are stopped although each ran less than the limit.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Event, Job, Pool, TaskReport};

pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
    let deadline = Instant::now() + limit;
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
        let wait = deadline.saturating_duration_since(Instant::now());
        match pool.next_event(Some(wait)) {
            Some(Event::Done { job, outcome, .. }) => {
                reports[job.task] = Some(TaskReport {
                    outcome,
                    attempts: job.attempt,
                    lost_attempts: Vec::new(),
                });
                unfinished -= 1;
            }
            Some(Event::Lost {
                job: Some(job),
                cause,
                ..
            }) => {
                reports[job.task] = Some(TaskReport {
                    outcome: Err(cause),
                    attempts: job.attempt,
                    lost_attempts: Vec::new(),
                });
                unfinished -= 1;
            }
            Some(Event::Lost { job: None, .. }) => {}
            None => {
                for (worker, job, _) in pool.busy_workers() {
                    let why = format!("timed out after {limit:?}");
                    pool.replace(worker, &why, Duration::ZERO);
                    reports[job.task] = Some(TaskReport {
                        outcome: Err(why),
                        attempts: job.attempt,
                        lost_attempts: Vec::new(),
                    });
                    unfinished -= 1;
                }
                // Whatever is left, gets nothing new either: the batch's time is up.
                while let Some(job) = queue.pop_front() {
                    let why = format!("timed out after {limit:?}");
                    reports[job.task] = Some(TaskReport {
                        outcome: Err(why),
                        attempts: 0,
                        lost_attempts: Vec::new(),
                    });
                    unfinished -= 1;
                }
            }
        }
    }
    reports
        .into_iter()
        .map(|r| r.expect("every task was reported"))
        .collect()
}
