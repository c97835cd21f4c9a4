// A plausible wrong answer: each task runs on a thread of its own, never on the pool; a thread
// past the limit is reported timed out and abandoned (a thread cannot be killed).
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::{Task, run_task};
use lesson_04_process_pool::pool::{Pool, TaskReport};

pub fn run_with_time_limit(pool: &mut Pool, tasks: &[Task], limit: Duration) -> Vec<TaskReport> {
    let _ = pool;
    let deadline = Instant::now() + limit;
    let mut results = Vec::new();
    for task in tasks {
        let (done, result) = mpsc::channel();
        let task = task.clone();
        std::thread::spawn(move || {
            let _ = done.send(run_task(&task, 1, &mut || {}));
        });
        results.push(result);
    }
    results
        .into_iter()
        .map(|result| TaskReport {
            outcome: result
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .map_err(|_| format!("timed out after {limit:?}")),
            attempts: 1,
            lost_attempts: Vec::new(),
        })
        .collect()
}
