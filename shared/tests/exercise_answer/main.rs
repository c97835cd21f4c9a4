//! `exercise_answer!` in a crate laid out like an exercise: `exercise.rs` and `solution.rs` beside
//! the file that calls it. The kit has no `solution` feature and no `cfg(submission)`, so the
//! starter is the one compiled in (the exercises' CI steps check the other two).

// The macro's cfgs name the exercise crates' feature and build-script cfg, unknown to the kit.
#![allow(unexpected_cfgs)]

#[forbid(unsafe_code)]
mod answer {
    lesson_kit::exercise_answer!();
}

#[test]
fn without_the_solution_feature_the_starter_is_compiled_in_and_named() {
    assert_eq!(answer::which(), "the starter");
    assert_eq!(answer::ANSWER.name, "your answer, src/exercise.rs");
    assert_eq!(answer::ANSWER.source, include_str!("exercise.rs"));
}
