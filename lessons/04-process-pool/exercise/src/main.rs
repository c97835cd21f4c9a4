//! `cargo run -p lesson-04-exercise`: checks the exercise and says what is still wrong.

fn main() {
    // The pool's workers are this program started again: they serve tasks and exit here.
    lesson_04_process_pool::worker::serve_if_worker();
    println!(
        "Checking lesson 04's exercise ({})",
        if cfg!(feature = "solution") {
            "model solution"
        } else {
            "your answer"
        }
    );
    let program = std::env::current_exe().expect("the check knows where its executable is");
    lesson_04_exercise::check::check(lesson_04_exercise::answer(), program).print_and_exit()
}
