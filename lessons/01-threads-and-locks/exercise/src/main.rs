//! `cargo run -p lesson-01-exercise`: checks the exercise and says what is still wrong.
//!
//! The answer is compiled in under `forbid(unsafe_code)` (safe code cannot run before `main`),
//! and only the contained answer runner ever calls it; this process judges.

#[cfg(all(not(submission), not(feature = "solution")))]
#[path = "exercise.rs"]
#[forbid(unsafe_code)]
mod answer;

#[cfg(all(not(submission), feature = "solution"))]
#[path = "solution.rs"]
#[forbid(unsafe_code)]
mod answer;

#[cfg(submission)]
#[forbid(unsafe_code)]
mod answer {
    include!(env!("EXERCISE_SUBMISSION_FILE"));
}

#[cfg(all(not(submission), not(feature = "solution")))]
const ANSWER: (&str, &str) = ("your answer, src/exercise.rs", include_str!("exercise.rs"));
#[cfg(all(not(submission), feature = "solution"))]
const ANSWER: (&str, &str) = ("the model solution", include_str!("solution.rs"));
#[cfg(submission)]
const ANSWER: (&str, &str) = (
    env!("EXERCISE_SUBMISSION_NAME"),
    include_str!(env!("EXERCISE_SUBMISSION_FILE")),
);

fn main() {
    lesson_01_exercise::serve_if_runner(lesson_01_exercise::Answer {
        count_primes_parallel: answer::count_primes_parallel,
        count_to: answer::count_to,
    });
    let (name, source) = ANSWER;
    lesson_01_exercise::check::main(name, source)
}
