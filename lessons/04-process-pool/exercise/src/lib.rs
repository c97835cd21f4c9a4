//! Lesson 04's exercise and its check: give the process pool a time limit per task.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-04-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-04 submissions/`.

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
    check::Answer {
        run_with_time_limit: answer::run_with_time_limit,
    }
}
