//! `cargo run -p lesson-04-exercise`: checks the exercise and says what is still wrong.
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
const NAME: &str = "your answer, src/exercise.rs";
#[cfg(all(not(submission), feature = "solution"))]
const NAME: &str = "the model solution";
#[cfg(submission)]
const NAME: &str = env!("EXERCISE_SUBMISSION_NAME");

fn main() {
    lesson_04_exercise::serve_if_runner(lesson_04_exercise::Answer {
        run_with_time_limit: answer::run_with_time_limit,
    });
    lesson_04_exercise::check::main(NAME)
}
