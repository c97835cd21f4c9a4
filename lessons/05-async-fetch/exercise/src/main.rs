//! `cargo run -p lesson-05-exercise`: checks the exercise and says what is still wrong.
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
    lesson_05_exercise::serve_if_runner(lesson_05_exercise::Answer {
        fetch_all: |client, urls, limit| Box::pin(answer::fetch_all(client, urls, limit)),
    });
    lesson_05_exercise::check::main(NAME)
}
