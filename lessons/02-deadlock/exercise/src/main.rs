//! `cargo run -p lesson-02-exercise`: checks the exercise and says what is still wrong.
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
const ANSWER: &str = "your answer, src/exercise.rs";
#[cfg(all(not(submission), feature = "solution"))]
const ANSWER: &str = "the model solution";
#[cfg(submission)]
const ANSWER: &str = env!("EXERCISE_SUBMISSION_NAME");

fn main() {
    lesson_02_exercise::serve_if_runner(answer::cook);
    lesson_02_exercise::check::main(ANSWER)
}
