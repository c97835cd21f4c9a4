//! Lesson 06's exercise: the store the answer works with, the judge of its check, and the answer
//! runner's side of a batch.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-06-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-06 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`). The store counts what really happened
//! (loads, renders and where they ran, saves) in fields the answer cannot reach, and the runner
//! measures the runtime's stalls with the kit's heartbeat (`lesson_kit::heartbeat`) beside the
//! answer.

pub mod check;
pub mod run;
pub mod store;

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

pub use run::{BatchSeen, Request};
pub use store::{LoadError, Report, Rows, Store, render};

// ANCHOR: summary
/// How the batch ended: every customer appears exactly once, in `done` (its report was saved)
/// or in `failed` (with the error that stopped it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub done: Vec<u32>,
    pub failed: Vec<(u32, String)>,
}
// ANCHOR_END: summary

/// The function the exercise asks for, its future boxed so the runner can hold it.
pub type BuildReports = fn(Store, Vec<u32>, usize) -> Pin<Box<dyn Future<Output = Summary>>>;

/// The answer, as the runner calls it.
#[derive(Clone, Copy)]
pub struct Answer {
    pub build_reports: BuildReports,
}

/// In the answer runner: serves the judge's requests with `answer`, then exits. Elsewhere:
/// returns.
pub fn serve_if_runner(answer: Answer) {
    lesson_kit::exercise::runner::serve_if_runner(move |request: Request| {
        run::run(answer, &request)
    });
}
