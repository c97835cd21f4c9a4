//! Which answer an exercise's binary carries: the student's, the model solution, or a submission.
//!
//! Every exercise's `main.rs` starts with [`exercise_answer!`](crate::exercise_answer), which
//! declares `mod answer` from one of three files and `const ANSWER: Answer` naming it:
//!
//! - `src/exercise.rs`, the starter the student edits (`cargo run -p lesson-NN-exercise`);
//! - `src/solution.rs`, with `--features solution`;
//! - the file a teacher named in `EXERCISE_SUBMISSION` (`check-exercise` does), compiled in under
//!   `cfg(submission)` by the exercises' shared build script, `shared/exercise-build.rs`.
//!
//! The answer is compiled under `#[forbid(unsafe_code)]`: safe code cannot run before `main`, so
//! only the contained answer runner ever calls it (see [`runner`](super::runner)).

/// The answer a binary carries: its name in the check's messages, and its source text (for
/// checks that read what the answer names, see [`source`](super::source)).
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub name: &'static str,
    pub source: &'static str,
}

/// Declares `mod answer` (the starter, the model solution or a teacher's submission) and
/// `const ANSWER: Answer`, in an exercise's `main.rs`. The files are found beside the `main.rs`
/// that calls it. The exercise's `Cargo.toml` needs the `solution` feature and
/// `build = "../../../shared/exercise-build.rs"`.
#[macro_export]
macro_rules! exercise_answer {
    () => {
        #[cfg(all(not(submission), not(feature = "solution")))]
        #[path = "exercise.rs"]
        #[forbid(unsafe_code)]
        mod answer;

        #[cfg(all(not(submission), feature = "solution"))]
        #[path = "solution.rs"]
        #[forbid(unsafe_code)]
        mod answer;

        #[cfg(submission)]
        #[forbid(unsafe_code)]
        mod answer {
            include!(env!("EXERCISE_SUBMISSION_FILE"));
        }

        #[cfg(all(not(submission), not(feature = "solution")))]
        const ANSWER: $crate::exercise::Answer = $crate::exercise::Answer {
            name: "your answer, src/exercise.rs",
            source: include_str!("exercise.rs"),
        };
        #[cfg(all(not(submission), feature = "solution"))]
        const ANSWER: $crate::exercise::Answer = $crate::exercise::Answer {
            name: "the model solution",
            source: include_str!("solution.rs"),
        };
        #[cfg(submission)]
        const ANSWER: $crate::exercise::Answer = $crate::exercise::Answer {
            name: env!("EXERCISE_SUBMISSION_NAME"),
            source: include_str!(env!("EXERCISE_SUBMISSION_FILE")),
        };
    };
}
