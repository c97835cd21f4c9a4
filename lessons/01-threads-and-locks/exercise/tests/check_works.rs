//! The exercise's check must work both ways: it rejects the starter and plausible wrong answers
//! with a message that teaches, and it accepts the model solution. The starter stays unsolved,
//! so this test is what keeps `cargo test --workspace` green while proving the check can fail.

use std::sync::Mutex;

use lesson_01_exercise::check::{Answer, check};

#[path = "../src/exercise.rs"]
mod starter;

#[path = "../src/solution.rs"]
mod solution;

mod wrong {
    pub mod counts_boundaries_twice;
    pub mod drops_the_remainder;
    pub mod joins_each_thread;
    pub mod mutex_counter;
}

/// The speedup check times code: one checklist at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

macro_rules! answer {
    ($module:path, $file:literal) => {{
        use $module as m;
        Answer {
            count_primes_parallel: m::count_primes_parallel,
            count_to: m::count_to,
            source: include_str!($file),
        }
    }};
}

/// Runs the check and returns (passed, the rendered checklist).
fn run(answer: Answer) -> (bool, String) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let checklist = check(answer);
    (checklist.passed(), checklist.render())
}

fn multi_core() -> bool {
    lesson_kit::machine::cores() >= 2
}

#[test]
fn the_solution_passes() {
    let (passed, text) = run(answer!(solution, "../src/solution.rs"));
    assert!(passed, "{text}");
}

#[test]
fn the_starter_fails_with_messages_that_teach() {
    let (passed, text) = run(answer!(starter, "../src/exercise.rs"));
    assert!(!passed, "{text}");
    assert!(text.contains("updates were lost"), "{text}");
    if multi_core() {
        assert!(text.contains("as fast as 1"), "{text}");
    }
}

#[test]
fn dropping_the_remainder_is_caught() {
    let (passed, text) = run(answer!(
        wrong::drops_the_remainder,
        "wrong/drops_the_remainder.rs"
    ));
    assert!(
        !passed && text.contains("some numbers were not counted"),
        "{text}"
    );
}

#[test]
fn counting_boundaries_twice_is_caught() {
    let (passed, text) = run(answer!(
        wrong::counts_boundaries_twice,
        "wrong/counts_boundaries_twice.rs"
    ));
    assert!(!passed && text.contains("counted twice"), "{text}");
}

#[test]
fn joining_each_thread_before_the_next_is_caught() {
    if !multi_core() {
        eprintln!("1 core: a speedup cannot be checked here");
        return;
    }
    let (passed, text) = run(answer!(
        wrong::joins_each_thread,
        "wrong/joins_each_thread.rs"
    ));
    assert!(!passed && text.contains("started together"), "{text}");
}

#[test]
fn a_mutex_in_part_2_is_caught() {
    let (passed, text) = run(answer!(wrong::mutex_counter, "wrong/mutex_counter.rs"));
    assert!(!passed && text.contains("uses a Mutex"), "{text}");
}
