//! Regenerates the course pages' generated parts from the recordings and the exercises: the
//! figures named in `book/figures.txt` (into `book/src/recorded/figures/`) and each exercise's
//! list of wrong answers (into `book/src/recorded/course/`). `book/record.sh` runs it after
//! recording; `cargo test -p workspace-checks --test course` fails when they are out of date.

use workspace_checks::course::{FIGURES_DIR, WRONG_DIR, figures, write_all, wrong_answer_lists};

fn main() -> std::process::ExitCode {
    let figures = match figures() {
        Ok(figures) => figures,
        Err(problems) => {
            eprintln!("course-pages: figures the recordings do not give:\n{problems}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let lists = wrong_answer_lists();
    for (dir, files) in [(FIGURES_DIR, &figures), (WRONG_DIR, &lists)] {
        if let Err(error) = write_all(dir, files) {
            eprintln!("course-pages: cannot write {dir}: {error}");
            return std::process::ExitCode::FAILURE;
        }
        eprintln!("course-pages: {} files in {dir}", files.len());
    }
    std::process::ExitCode::SUCCESS
}
