//! The runner protocol: how the judge and the answer runner talk.
//!
//! The judge starts the runner with [`RUNNER_ENV`] (and [`CONNECT_ENV`]) in its environment,
//! writes one JSON request per line to its stdin, and reads one JSON [`Message`] per line from
//! file descriptor [`REPLY_FD`]. The runner's stdout and stderr stay the answer's own, so nothing
//! the answer prints can pass for a reply.

use serde::{Deserialize, Serialize};

/// Set in the runner's environment: "serve the answer", see [`super::runner::serve_if_runner`].
pub const RUNNER_ENV: &str = "LESSON_KIT_ANSWER_RUNNER";
/// Set in the runner's environment: the TCP ports its answer may connect to, comma-separated.
pub const CONNECT_ENV: &str = "LESSON_KIT_CONNECT_PORTS";
/// The runner's file descriptor for replies (stdout stays the answer's own).
pub const REPLY_FD: i32 = 3;

/// One line between judge and runner.
#[derive(Serialize, Deserialize)]
pub enum Message<A> {
    /// The runner is contained and listening; what protects the files, in words.
    Ready(String),
    Done(A),
    Panicked(String),
}
