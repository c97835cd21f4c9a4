//! The exercise's check must work both ways: it rejects the starter and plausible wrong answers
//! with a message that teaches, and it accepts the model solution. The starter stays unsolved,
//! so this test is what keeps `cargo test --workspace` green while proving the check can fail.

use std::sync::Mutex;

use lesson_02_exercise::check::{Answer, check};

#[path = "../src/exercise.rs"]
mod starter;

#[path = "../src/solution.rs"]
mod solution;

mod wrong {
    pub mod leaves_one_out;
    pub mod random_first_fork;
    pub mod special_cases_five;
}

/// Dinners time their meals: one checklist at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs the check and returns (passed, the rendered checklist).
fn run(dine: lesson_02_deadlock::philosophers::Dine) -> (bool, String) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let checklist = check(Answer { dine });
    (checklist.passed(), checklist.render())
}

#[test]
fn the_solution_passes() {
    let (passed, text) = run(solution::dine);
    assert!(passed, "{text}");
}

#[test]
fn the_starter_fails_with_the_cycle_in_words() {
    let (passed, text) = run(starter::dine);
    assert!(!passed, "{text}");
    assert!(
        text.contains("philosopher 4 holds fork 4 and waits for fork 0, which philosopher 0 holds"),
        "{text}"
    );
    assert!(text.contains("0 passed, 3 failed"), "{text}");
}

#[test]
fn a_fix_that_deadlocks_now_and_then_is_caught() {
    let (passed, text) = run(wrong::random_first_fork::dine);
    assert!(!passed, "{text}");
    assert!(text.contains("deadlock:"), "{text}");
}

#[test]
fn a_fix_for_five_only_is_caught() {
    let (passed, text) = run(wrong::special_cases_five::dine);
    assert!(!passed, "{text}");
    assert!(text.contains("at a table of 2: deadlock"), "{text}");
    assert!(text.contains("✓ every philosopher eats"), "{text}");
}

#[test]
fn a_starved_philosopher_is_caught() {
    let (passed, text) = run(wrong::leaves_one_out::dine);
    assert!(!passed, "{text}");
    assert!(
        text.contains("philosopher 4 ate 0 of 20 meals: it starved"),
        "{text}"
    );
}
