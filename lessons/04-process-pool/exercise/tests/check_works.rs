//! The exercise's check must work both ways: it rejects the starter and plausible wrong answers
//! with a message that teaches, and it accepts the model solution. The starter stays unsolved,
//! so this test is what keeps `cargo test --workspace` green while proving the check can fail.

use std::path::PathBuf;

use lesson_04_exercise::check::{Answer, check};

#[path = "../src/exercise.rs"]
mod starter;

#[path = "../src/solution.rs"]
mod solution;

mod wrong {
    pub mod abandons_the_worker;
    pub mod global_deadline;
}

/// The pool's workers: the exercise's own binary, which serves tasks when started as a worker.
fn program() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lesson-04-exercise"))
}

fn run(
    run_with_time_limit: fn(
        &mut lesson_04_process_pool::pool::Pool,
        &[lesson_04_process_pool::jobs::Task],
        std::time::Duration,
    ) -> Vec<lesson_04_process_pool::pool::TaskReport>,
) -> (bool, String) {
    let checklist = check(
        Answer {
            run_with_time_limit,
        },
        program(),
    );
    (checklist.passed(), checklist.render())
}

#[test]
fn the_solution_passes() {
    let (passed, text) = run(solution::run_with_time_limit);
    assert!(passed, "{text}");
}

#[test]
fn the_starter_fails_with_a_message_that_teaches() {
    let (passed, text) = run(starter::run_with_time_limit);
    assert!(!passed, "{text}");
    assert!(
        text.contains("the pool waits forever for that task"),
        "{text}"
    );
    assert!(text.contains("✓ ordinary tasks still complete"), "{text}");
}

#[test]
fn one_deadline_for_the_whole_batch_is_caught() {
    let (passed, text) = run(wrong::global_deadline::run_with_time_limit);
    assert!(
        !passed && text.contains("measure each task from when it was sent"),
        "{text}"
    );
}

#[test]
fn a_worker_left_running_is_caught() {
    let (passed, text) = run(wrong::abandons_the_worker::run_with_time_limit);
    assert!(!passed && text.contains("still busy"), "{text}");
}
