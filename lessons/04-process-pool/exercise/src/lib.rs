//! Lesson 04's exercise: the judge of its check, and what the answer runner reports to it.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-04-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-04 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`). There the runner, not the answer, starts
//! the pool, times the batch and reads the pool's own counters after the answer returns.

pub mod batch;
pub mod check;

use std::time::Duration;

use lesson_04_process_pool::jobs::Task;
use lesson_04_process_pool::pool::{Pool, TaskReport};
use serde::{Deserialize, Serialize};

pub use batch::BatchSeen;

/// What the judge asks the answer runner to do: run `tasks` with the answer on a fresh pool of
/// `workers`, each task limited to `limit_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub tasks: Vec<Task>,
    pub workers: usize,
    pub limit_ms: u64,
}

/// The function the exercise asks for.
#[derive(Clone, Copy)]
pub struct Answer {
    pub run_with_time_limit: fn(&mut Pool, &[Task], Duration) -> Vec<TaskReport>,
}

/// In a pool worker: serves tasks and exits. In the answer runner: serves the judge's requests
/// with `answer`, then exits. Elsewhere: returns.
pub fn serve_if_runner(answer: Answer) {
    // The runner's pool workers are this program again, and inherit the runner's environment:
    // they must be served as workers first.
    lesson_04_process_pool::worker::serve_if_worker();
    lesson_kit::exercise::runner::serve_if_runner(move |request: Request| {
        batch::run(answer, &request)
    });
}
