//! Lesson 03's exercise: the judge of its check, the requests it sends to the answer, and the
//! accounts the answer's pipeline is run with.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-03-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-03 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`).

pub mod check;
pub mod run;
pub mod stage;

use serde::{Deserialize, Serialize};

/// One run the judge asks for: how many items, workers and capacity, and how the items behave.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Setup {
    pub items: u64,
    pub workers: usize,
    pub capacity: usize,
    /// Each item costs this many microseconds to process.
    pub cost_us: u64,
    /// The first calls of `process` wait for `workers` threads to show up.
    pub meet: bool,
    /// If not zero, the producer pauses for `pause_ms` before handing out this item.
    pub pause_before: u64,
    pub pause_ms: u64,
    /// The last item takes this much longer to process.
    pub slow_last_ms: u64,
    /// Dropping the stage or the items takes a while, so a thread not joined is still seen.
    pub slow_goodbye: bool,
}

impl Setup {
    pub fn new(items: u64, workers: usize, capacity: usize) -> Setup {
        Setup {
            items,
            workers,
            capacity,
            cost_us: 0,
            meet: false,
            pause_before: 0,
            pause_ms: 0,
            slow_last_ms: 0,
            slow_goodbye: false,
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} items, {} workers, capacity {}",
            self.items, self.workers, self.capacity
        )
    }
}

/// In the answer runner: runs `pipeline` for each setup the judge sends, then exits.
/// Elsewhere: returns.
pub fn serve_if_runner(pipeline: run::Pipeline) {
    lesson_kit::exercise::runner::serve_if_runner(move |setup: Setup| {
        run::watched(pipeline, setup)
    });
}
