//! Lesson 05's exercise: the types the answer works with, the judge of its check, and the answer
//! runner's side of a batch.
//!
//! Students edit `src/exercise.rs` and run `cargo run -p lesson-05-exercise`. The model solution
//! is `src/solution.rs` (`--features solution`). A teacher checks a class with
//! `cargo run -p lesson-kit --bin check-exercise -- lesson-05 submissions/`.
//!
//! This library never contains the answer: `main.rs` compiles it, and calls it only in the
//! contained answer runner (see `lesson_kit::exercise`). The judge starts the local server,
//! names its port as the one the runner may connect to, and reads the server's own counts (the
//! most requests in flight, when each retry arrived) after the answer returns.

pub mod check;
pub mod fetch;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use fetch::BatchSeen;

// ANCHOR: outcome
/// How one URL ended: exactly one of these per URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// A 2xx answer whose whole body was read: its length in bytes.
    Body(usize),
    /// An answer with another status: a 4xx at once, a 5xx once its retries ran out.
    Status(u16),
    /// No answer at all (the connection failed, the request timed out): what reqwest said.
    Error(String),
}

impl Outcome {
    /// A 5xx answer: the server may answer differently next time, so it is worth retrying.
    /// A 4xx would be the same again, and an error without an answer is reported as it is.
    pub fn is_transient(&self) -> bool {
        matches!(self, Outcome::Status(500..=599))
    }
}

/// One URL and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub url: String,
    pub outcome: Outcome,
}

/// Attempts per URL in all, the first one included.
pub const MAX_ATTEMPTS: u32 = 4;
/// The wait before the first retry; each next wait is twice the one before.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(25);
// ANCHOR_END: outcome

/// What the judge asks the answer runner to do: fetch `urls` with the answer, at most `limit`
/// at once, with a client whose requests time out after `timeout_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub urls: Vec<String>,
    pub limit: usize,
    pub timeout_ms: u64,
}

/// The function the exercise asks for, its future boxed so the runner can hold it.
pub type FetchAll =
    fn(reqwest::Client, Vec<String>, usize) -> Pin<Box<dyn Future<Output = Vec<Report>>>>;

/// The answer, as the runner calls it.
#[derive(Clone, Copy)]
pub struct Answer {
    pub fetch_all: FetchAll,
}

/// In the answer runner: serves the judge's requests with `answer`, then exits. Elsewhere:
/// returns.
pub fn serve_if_runner(answer: Answer) {
    lesson_kit::exercise::runner::serve_if_runner(move |request: Request| {
        fetch::run(answer, &request)
    });
}
