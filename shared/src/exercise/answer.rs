//! Which answer an exercise's binary carries: the student's, the model solution, or a submission.
//!
//! Every exercise's `main.rs` calls [`exercise_answer!`](crate::exercise_answer) in its
//! `mod answer`, which compiles in one of three files and declares `const ANSWER: Answer`:
//!
//! - `src/exercise.rs`, the starter the student edits (`cargo run -p lesson-NN-exercise`);
//! - `src/solution.rs`, with `--features solution`;
//! - the file a teacher named in `EXERCISE_SUBMISSION` (`check-exercise` does), compiled in under
//!   `cfg(submission)` by the exercises' shared build script, `shared/exercise-build.rs`.
//!
//! `mod answer` is `#[forbid(unsafe_code)]`: safe code cannot run before `main`, so only the
//! contained answer runner ever calls the answer (see [`runner`](super::runner)).

/// The answer a binary carries: its name in the check's messages, and its source text (for
/// checks that read what the answer names, see [`source`](super::source)).
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub name: &'static str,
    pub source: &'static str,
}

/// Compiles in the answer (the starter, the model solution or a teacher's submission) and
/// declares `const ANSWER: Answer` naming it. Called inside the answer's module of an exercise's
/// `main.rs`, where the `forbid` stands in plain sight (the compiler quotes it to a student whose
/// answer tries `unsafe`):
///
/// ```ignore
/// #[forbid(unsafe_code)]
/// mod answer {
///     lesson_kit::exercise_answer!();
/// }
/// ```
///
/// The files are found beside the `main.rs` that calls it. The exercise's `Cargo.toml` needs the
/// `solution` feature and `build = "../../../shared/exercise-build.rs"`. The answer is included
/// as text, so it cannot have inner attributes or `//!` comments (a submission never could).
#[macro_export]
macro_rules! exercise_answer {
    () => {
        #[cfg(all(not(submission), not(feature = "solution")))]
        include!("exercise.rs");
        #[cfg(all(not(submission), feature = "solution"))]
        include!("solution.rs");
        #[cfg(submission)]
        include!(env!("EXERCISE_SUBMISSION_FILE"));

        #[cfg(all(not(submission), not(feature = "solution")))]
        pub const ANSWER: $crate::exercise::Answer = $crate::exercise::Answer {
            name: "your answer, src/exercise.rs",
            source: include_str!("exercise.rs"),
        };
        #[cfg(all(not(submission), feature = "solution"))]
        pub const ANSWER: $crate::exercise::Answer = $crate::exercise::Answer {
            name: "the model solution",
            source: include_str!("solution.rs"),
        };
        #[cfg(submission)]
        pub const ANSWER: $crate::exercise::Answer = $crate::exercise::Answer {
            name: env!("EXERCISE_SUBMISSION_NAME"),
            source: include_str!(env!("EXERCISE_SUBMISSION_FILE")),
        };
    };
}
