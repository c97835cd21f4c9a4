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
    TallyRolls {
        threads: usize,
        rolls: usize,
    },
}

/// The face, 1 to 6, that thread `thread` rolls on its throw number `roll`: a fixed scramble of
/// the two, so the check knows every roll in advance and the tally's exact counts.
pub fn die(thread: usize, roll: usize) -> usize {
    let seed = ((thread as u64) << 32) | roll as u64;
    (lesson_kit::workload::splitmix64(seed) % 6) as usize + 1
}

/// The two functions the exercise asks for.
#[derive(Clone, Copy)]
pub struct Answer {
    pub count_primes_parallel: fn(std::ops::Range<u64>, usize) -> u64,
    pub tally_rolls: fn(usize, usize) -> [usize; 6],
}

/// In the answer runner: serves the judge's requests with `answer`, then exits. Elsewhere: returns.
/// Every reply is a list of numbers: the count of primes alone, or the tally, face 1 first.
pub fn serve_if_runner(answer: Answer) {
    lesson_kit::exercise::runner::serve_if_runner(move |request: Request| match request {
        Request::CountPrimes {
            start,
            end,
            threads,
        } => vec![(answer.count_primes_parallel)(start..end, threads)],
        Request::TallyRolls { threads, rolls } => (answer.tally_rolls)(threads, rolls)
            .iter()
            .map(|&n| n as u64)
            .collect::<Vec<u64>>(),
    });
}
