//! `cargo run -p lesson-07-exercise`: checks the exercise and says what is still wrong.
//!
//! `exercise_answer!` compiles in the answer (the starter, the model solution or a teacher's
//! submission), here under `forbid(unsafe_code)`: safe code cannot run before `main`, and only
//! the contained answer runner ever calls it; this process judges.

#[forbid(unsafe_code)]
mod answer {
    lesson_kit::exercise_answer!();
}

fn main() {
    lesson_07_exercise::serve_if_runner(lesson_07_exercise::Answer {
        thumbnails: |client, urls, max_photos| {
            Box::pin(answer::thumbnails(client, urls, max_photos))
        },
    });
    lesson_07_exercise::check::main(answer::ANSWER.name)
}
