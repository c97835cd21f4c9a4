//! `cargo run -p lesson-04-exercise`: checks the exercise and says what is still wrong.
//!
//! `exercise_answer!` compiles in the answer (the starter, the model solution or a teacher's
//! submission), here under `forbid(unsafe_code)`: safe code cannot run before `main`, and only
//! the contained answer runner ever calls it; this process judges.

#[forbid(unsafe_code)]
mod answer {
    lesson_kit::exercise_answer!();
}

fn main() {
    lesson_04_exercise::serve_if_runner(lesson_04_exercise::Answer {
        run_with_time_limit: answer::run_with_time_limit,
    });
    lesson_04_exercise::check::main(answer::ANSWER.name)
}
