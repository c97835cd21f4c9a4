//! `cargo run -p lesson-01-exercise`: checks the exercise and says what is still wrong.
//!
//! `exercise_answer!` compiles in the answer (the starter, the model solution or a teacher's
//! submission), here under `forbid(unsafe_code)`: safe code cannot run before `main`, and only
//! the contained answer runner ever calls it; this process judges.

#[forbid(unsafe_code)]
mod answer {
    lesson_kit::exercise_answer!();
}

fn main() {
    lesson_01_exercise::serve_if_runner(lesson_01_exercise::Answer {
        count_primes_parallel: answer::count_primes_parallel,
        tally_rolls: answer::tally_rolls,
    });
    lesson_01_exercise::check::main(answer::ANSWER.name, answer::ANSWER.source)
}
