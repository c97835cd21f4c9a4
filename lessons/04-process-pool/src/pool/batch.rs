//! Keeping every worker busy: the pool's scheduling loop.
//!
//! Each worker has one task at a time. When a reply arrives, its worker is idle again and gets
//! the next task; when a worker is lost, its task goes back to the front of the queue, up to
//! [`MAX_ATTEMPTS`]. A task that panicked is not retried: it would panic again.

use std::collections::VecDeque;

use super::{Event, Job, MAX_ATTEMPTS, Pool, TaskReport};
use crate::jobs::Task;

impl Pool {
    // ANCHOR: run
    /// Runs every task and returns one report per task, in order. Each worker has one task at
    /// a time; a task whose worker is lost is tried again (up to [`MAX_ATTEMPTS`]), and a task
    /// that panicked is reported as failed: it would panic again.
    pub fn run(&mut self, tasks: &[Task]) -> Vec<TaskReport> {
        let mut reports: Vec<Option<TaskReport>> = vec![None; tasks.len()];
        let mut lost: Vec<Vec<String>> = vec![Vec::new(); tasks.len()];
        let mut queue: VecDeque<Job> = (0..tasks.len())
            .map(|task| Job { task, attempt: 1 })
            .collect();
        let mut unfinished = tasks.len();
        while unfinished > 0 && self.size() > 0 {
            // Keep every worker busy: each idle worker gets the next task.
            for worker in self.idle_workers() {
                let Some(job) = queue.pop_front() else { break };
                self.send(worker, job, &tasks[job.task]);
            }
            let (job, outcome) = match self.next_event(None) {
                Some(Event::Done { job, outcome, .. }) => (job, outcome),
                Some(Event::Lost {
                    job: Some(job),
                    cause,
                    ..
                }) => {
                    if job.attempt < MAX_ATTEMPTS {
                        lost[job.task].push(cause);
                        queue.push_front(Job {
                            task: job.task,
                            attempt: job.attempt + 1,
                        });
                        continue;
                    }
                    (job, Err(cause))
                }
                Some(Event::Lost { job: None, .. }) | None => continue, // an idle worker, replaced
            };
            let lost_attempts = std::mem::take(&mut lost[job.task]);
            reports[job.task] = Some(TaskReport {
                outcome,
                attempts: job.attempt,
                lost_attempts,
            });
            unfinished -= 1;
        }
        let no_worker = || TaskReport {
            outcome: Err("no worker could be started".into()),
            attempts: 0,
            lost_attempts: Vec::new(),
        };
        reports
            .into_iter()
            .map(|r| r.unwrap_or_else(no_worker))
            .collect()
    }
    // ANCHOR_END: run
}
