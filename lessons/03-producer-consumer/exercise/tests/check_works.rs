//! The exercise's check must work both ways: it rejects the starter and plausible wrong answers
//! with a message that teaches, and it accepts the model solution. The starter stays unsolved,
//! so this test is what keeps `cargo test --workspace` green while proving the check can fail.
//!
//! Answers that hang leave their threads blocked; they end with this test process.

use std::sync::Mutex;

use lesson_03_exercise::check::{Answer, check};

#[path = "../src/exercise.rs"]
mod starter;

#[path = "../src/solution.rs"]
mod solution;

mod wrong {
    pub mod drops_the_last_item;
    pub mod duplicates_every_item;
    pub mod never_shuts_down;
    pub mod stops_when_queue_looks_empty;
    pub mod unbounded_queue;
}

/// The checks measure backlogs and threads: one checklist at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs the check and returns (passed, the rendered checklist).
fn run(
    pipeline: fn(
        lesson_03_exercise::stage::Items,
        lesson_03_exercise::stage::Stage,
        usize,
        usize,
    ) -> Vec<u64>,
) -> (bool, String) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let checklist = check(Answer { pipeline });
    (checklist.passed(), checklist.render())
}

#[test]
fn the_solution_passes() {
    let (passed, text) = run(solution::pipeline);
    assert!(passed, "{text}");
}

#[test]
fn the_starter_fails_with_messages_that_teach() {
    let (passed, text) = run(starter::pipeline);
    assert!(!passed, "{text}");
    assert!(text.contains("did not return"), "{text}");
    assert!(text.contains("drop every Sender"), "{text}");
}

#[test]
fn dropping_the_last_item_is_caught() {
    let (passed, text) = run(wrong::drops_the_last_item::pipeline);
    assert!(!passed, "{text}");
    // Which result is left in the channel depends on which consumer finished last.
    assert!(
        text.contains("1000 items went in, 999 results came out"),
        "{text}"
    );
}

#[test]
fn duplicating_items_is_caught() {
    let (passed, text) = run(wrong::duplicates_every_item::pipeline);
    assert!(!passed, "{text}");
    assert!(text.contains("was processed 2 times"), "{text}");
}

#[test]
fn an_unbounded_queue_is_caught() {
    let (passed, text) = run(wrong::unbounded_queue::pipeline);
    assert!(!passed, "{text}");
    assert!(text.contains("is the queue bounded?"), "{text}");
    assert!(
        text.contains("✓ exactly once"),
        "only the backlog is wrong: {text}"
    );
}

#[test]
fn a_pipeline_that_never_shuts_down_is_caught() {
    let (passed, text) = run(wrong::never_shuts_down::pipeline);
    assert!(!passed, "{text}");
    assert!(text.contains("threads are still running"), "{text}");
}

#[test]
fn stopping_when_the_queue_looks_empty_is_caught() {
    let (passed, text) = run(wrong::stops_when_queue_looks_empty::pipeline);
    assert!(!passed, "{text}");
    assert!(text.contains("✗ exactly once"), "{text}");
}
