// A correct alternative: the answer keeps each job's deadline itself, from the moment it sends
// the job, instead of asking the pool when each task started.
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Event, Job, MAX_ATTEMPTS, Pool, TaskReport};

pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
    let mut reports: Vec<Option<TaskReport>> = vec![None; tasks.len()];
    let mut queue: VecDeque<Job> = (0..tasks.len())
        .map(|task| Job { task, attempt: 1 })
        .collect();
    let mut deadlines: HashMap<u64, (Job, Instant)> = HashMap::new();
    while reports.iter().any(Option::is_none) {
        for worker in pool.idle_workers() {
            let Some(job) = queue.pop_front() else { break };
            pool.send(worker, job, &tasks[job.task]);
            deadlines.insert(worker, (job, Instant::now() + limit));
        }
        let now = Instant::now();
        let overdue: Vec<(u64, Job)> = deadlines
            .iter()
            .filter(|(_, (_, deadline))| *deadline <= now)
            .map(|(&worker, &(job, _))| (worker, job))
            .collect();
        if !overdue.is_empty() {
            // With nothing left running, waiting now would wait forever: look again first.
            for (worker, job) in overdue {
                deadlines.remove(&worker);
                let why = format!("timed out: ran past its {} ms limit", limit.as_millis());
                pool.replace(worker, &why, Duration::ZERO);
                reports[job.task] = Some(TaskReport {
                    outcome: Err(why),
                    attempts: job.attempt,
                    lost_attempts: Vec::new(),
                });
            }
            continue;
        }
        let wait = deadlines
            .values()
            .map(|(_, deadline)| deadline.saturating_duration_since(now))
            .min();
        let (job, outcome) = match pool.next_event(wait) {
            Some(Event::Done {
                worker,
                job,
                outcome,
            }) => {
                deadlines.remove(&worker);
                (job, outcome)
            }
            Some(Event::Lost {
                worker, job, cause, ..
            }) => {
                deadlines.remove(&worker);
                let Some(job) = job else { continue };
                if job.attempt < MAX_ATTEMPTS {
                    queue.push_front(Job {
                        task: job.task,
                        attempt: job.attempt + 1,
                    });
                    continue;
                }
                (job, Err(cause))
            }
            None => continue,
        };
        reports[job.task] = Some(TaskReport {
            outcome,
            attempts: job.attempt,
            lost_attempts: Vec::new(),
        });
    }
    reports.into_iter().flatten().collect()
}
