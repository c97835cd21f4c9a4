//! Lesson 01's exercise: the judge of its check, and the requests it sends to the answer.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-01-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-01 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`).

pub mod check;

use serde::{Deserialize, Serialize};

/// What the judge asks the answer runner to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    CountPrimes {
        start: u64,
        end: u64,
        threads: usize,
    },
    CountTo {
        threads: usize,
        increments: usize,
    },
}

/// The two functions the exercise asks for.
#[derive(Clone, Copy)]
pub struct Answer {
    pub count_primes_parallel: fn(std::ops::Range<u64>, usize) -> u64,
    pub count_to: fn(usize, usize) -> usize,
}

/// In the answer runner: serves the judge's requests with `answer`, then exits. Elsewhere: returns.
pub fn serve_if_runner(answer: Answer) {
    lesson_kit::exercise::runner::serve_if_runner(move |request: Request| match request {
        Request::CountPrimes {
            start,
            end,
            threads,
        } => (answer.count_primes_parallel)(start..end, threads),
        Request::CountTo {
            threads,
            increments,
        } => (answer.count_to)(threads, increments) as u64,
    });
}
