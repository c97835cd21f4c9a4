//! Exercise checks a submission cannot fool or harm.
//!
//! An exercise's binary is two programs in one. Started normally it is the *judge*: it picks
//! inputs, times, counts and decides. Started by the judge (see [`sandbox::Sandbox`]) it is the
//! *answer runner*: a contained child that alone calls the student's functions
//! ([`runner::serve_if_runner`]) and sends back raw results. Whatever the answer does to its own
//! process (exit, abort, a panic hook, printing check marks, killing its parent, filling memory
//! or the disk), the judge sees a child that misbehaved and reports it as a failure, in words.
//!
//! The answer is compiled into the same binary under `#[forbid(unsafe_code)]`: safe Rust cannot
//! run code before `main` or without being called, so in the judge it never runs at all.
//!
//! - [`answer`]: which answer the binary carries ([`exercise_answer!`](crate::exercise_answer)).
//! - [`checklist`]: the printed checklist and its verdict.
//! - [`dice`]: inputs the answer cannot know in advance.
//! - [`contained`]: the judge's loop: each check in a fresh runner, printing quoted, a hang remembered.
//! - [`sandbox`]: the judge's side: start a contained runner, ask it, observe it, kill it all.
//! - [`protocol`]: the lines judge and runner exchange: a request in, a [`protocol::Message`] out.
//! - [`runner`]: the child's side: limit its own file access, serve requests.
//! - [`tree`]: the processes a runner started, found and killed through `/proc`.
//! - [`source`]: the answer's code without its comments and strings, for rules about what it names.
//! - [`submission`]: a student's file prepared for building: named by its content, not its date.

pub mod answer;
pub mod checklist;
pub mod contained;
pub mod dice;
pub mod protocol;
pub mod runner;
pub mod sandbox;
pub mod source;
pub mod submission;
pub mod testing;
pub mod tree;

pub use answer::Answer;
pub use checklist::{Checklist, Outcome};
pub use contained::{BUSY, Contained, Judged};
pub use dice::Dice;
pub use sandbox::{Fault, Limits, Observation, Sandbox};

/// Where an exercise's answer comes from when a teacher checks a submission (see `check-exercise`).
pub const SUBMISSION_ENV: &str = "EXERCISE_SUBMISSION";

/// What a whole check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    /// Correct, but a speed check could not be judged: the machine was busy.
    Busy,
}

impl Verdict {
    /// The judge's exit code: 0 passed, 1 failed, 3 speed not judged.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed => 1,
            Verdict::Busy => 3,
        }
    }

    /// The verdict a judge's exit status stands for; anything else means the check itself died.
    pub fn from_exit_code(code: Option<i32>) -> Option<Verdict> {
        match code {
            Some(0) => Some(Verdict::Passed),
            Some(1) => Some(Verdict::Failed),
            Some(3) => Some(Verdict::Busy),
            _ => None,
        }
    }
}
