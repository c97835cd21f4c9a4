// Right results, but a child process (sleep 1000) is left running after the function returns.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Event, Job, MAX_ATTEMPTS, Pool, TaskReport};

pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
    let _ = std::process::Command::new("sleep").arg("1000").spawn();

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
        if let Some(&(worker, job, _)) = busy.iter().find(|(_, _, since)| now - *since >= limit) {
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
        let next_deadline = busy
            .iter()
            .map(|(_, _, since)| (*since + limit).saturating_duration_since(now))
            .min();
        let (job, outcome) = match pool.next_event(next_deadline) {
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
            // A deadline passed (checked at the top of the loop), or an idle worker was replaced.
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
