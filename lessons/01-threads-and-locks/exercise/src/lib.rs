//! Lesson 01's exercise and its check.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-01-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-01 submissions/`.

pub mod check;

#[cfg(all(not(submission), not(feature = "solution")))]
#[path = "exercise.rs"]
pub mod answer;

#[cfg(all(not(submission), feature = "solution"))]
#[path = "solution.rs"]
pub mod answer;

#[cfg(submission)]
pub mod answer {
    include!(concat!(env!("OUT_DIR"), "/submission.rs"));
}

/// The source text of the answer being checked.
#[cfg(all(not(submission), not(feature = "solution")))]
pub const ANSWER_SOURCE: &str = include_str!("exercise.rs");
#[cfg(all(not(submission), feature = "solution"))]
pub const ANSWER_SOURCE: &str = include_str!("solution.rs");
#[cfg(submission)]
pub const ANSWER_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/submission.rs"));

/// The answer compiled into this build.
pub fn answer() -> check::Answer {
    check::Answer {
        count_primes_parallel: answer::count_primes_parallel,
        count_to: answer::count_to,
        source: ANSWER_SOURCE,
    }
}
