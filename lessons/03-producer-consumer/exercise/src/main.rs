//! `cargo run -p lesson-03-exercise`: checks the exercise and says what is still wrong.

fn main() {
    println!(
        "Checking lesson 03's exercise ({})",
        if cfg!(feature = "solution") {
            "model solution"
        } else {
            "your answer"
        }
    );
    lesson_03_exercise::check::check(lesson_03_exercise::answer()).print_and_exit()
}
