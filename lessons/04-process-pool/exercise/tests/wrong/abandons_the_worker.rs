// A plausible wrong answer: the overdue task is reported as timed out, but its worker is only
// ignored, not stopped: it keeps running the endless task, and the pool has one worker fewer.
use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Event, Job, MAX_ATTEMPTS, Pool, TaskReport};

pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
    let mut reports: Vec<Option<TaskReport>> = vec![None; tasks.len()];
    let mut queue: VecDeque<Job> = (0..tasks.len())
        .map(|task| Job { task, attempt: 1 })
        .collect();
    let mut unfinished = tasks.len();
    let mut abandoned = HashSet::new();
    while unfinished > 0 {
        for worker in pool.idle_workers() {
            let Some(job) = queue.pop_front() else { break };
            pool.send(worker, job, &tasks[job.task]);
        }
        let now = Instant::now();
        let busy: Vec<_> = pool
            .busy_workers()
            .into_iter()
            .filter(|(w, _, _)| !abandoned.contains(w))
            .collect();
        if let Some(&(worker, job, _)) = busy.iter().find(|(_, _, since)| now - *since >= limit) {
            abandoned.insert(worker);
            let why = format!("timed out after {limit:?}");
            reports[job.task] = Some(TaskReport {
                outcome: Err(why),
                attempts: job.attempt,
                lost_attempts: Vec::new(),
            });
            unfinished -= 1;
            continue;
        }
        let wait = busy
            .iter()
            .map(|(_, _, since)| (*since + limit).saturating_duration_since(now))
            .min();
        let (job, outcome) = match pool.next_event(wait) {
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
