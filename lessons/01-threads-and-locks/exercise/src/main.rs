//! `cargo run -p lesson-01-exercise`: checks the exercise and says what is still wrong.

fn main() {
    println!(
        "Checking lesson 01's exercise ({})",
        if cfg!(feature = "solution") {
            "model solution"
        } else {
            "your answer"
        }
    );
    lesson_01_exercise::check::check(lesson_01_exercise::answer()).print_and_exit()
}
