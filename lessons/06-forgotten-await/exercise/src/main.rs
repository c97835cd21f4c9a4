//! `cargo run -p lesson-06-exercise`: checks the exercise and says what is still wrong.
//!
//! `exercise_answer!` compiles in the answer (the starter, the model solution or a teacher's
//! submission), here under `forbid(unsafe_code)`: safe code cannot run before `main`, and only
//! the contained answer runner ever calls it; this process judges.

#[forbid(unsafe_code)]
mod answer {
    lesson_kit::exercise_answer!();
}

fn main() {
    lesson_06_exercise::serve_if_runner(lesson_06_exercise::Answer {
        build_reports: |store, customers, cpu_limit| {
            Box::pin(answer::build_reports(store, customers, cpu_limit))
        },
    });
    lesson_06_exercise::check::main(answer::ANSWER)
}
