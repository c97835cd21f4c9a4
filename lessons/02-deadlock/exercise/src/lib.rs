//! Lesson 02's exercise and its check: fix the dining philosophers.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-02-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-02 submissions/`.

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

/// The answer compiled into this build.
pub fn answer() -> check::Answer {
    check::Answer { dine: answer::dine }
}
