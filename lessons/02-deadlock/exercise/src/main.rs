//! `cargo run -p lesson-02-exercise`: checks the exercise and says what is still wrong.

fn main() {
    println!(
        "Checking lesson 02's exercise ({})",
        if cfg!(feature = "solution") {
            "model solution"
        } else {
            "your answer"
        }
    );
    lesson_02_exercise::check::check(lesson_02_exercise::answer()).print_and_exit()
}
