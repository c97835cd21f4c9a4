//! Lesson 03's exercise and its check.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-03-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-03 submissions/`.

// The answer files name this crate by its name (`lesson_03_exercise::stage`), so that the same
// file compiles here and in the tests that include it; inside the crate, that name needs this.
extern crate self as lesson_03_exercise;

pub mod check;
pub mod stage;

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
        pipeline: answer::pipeline,
    }
}
