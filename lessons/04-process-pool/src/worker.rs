//! The worker side: the same binary, started again with one environment variable set.
//!
//! Python's `multiprocessing` has three start methods (CPython 3.14 docs): "fork" copies the
//! parent (a copy of everything, including locks held by other threads at that instant);
//! "spawn" starts a fresh interpreter that re-imports the main module, which is why a pool must
//! be created under `if __name__ == '__main__':`, or each worker would start a pool of its own;
//! "forkserver" forks each worker from a small server process started early, before the program
//! has threads (the default on Linux since 3.14). A Rust program runs no code on "import":
//! nothing runs before `main`. So the lesson starts its own executable again
//! (`std::env::current_exe()`), and the first line of `main` asks whether it is a worker.
//! The protocol is plain: read a request frame from stdin, do the task, write a reply frame to
//! stdout, until stdin closes.

use lesson_kit::panics;
use std::io::{BufReader, BufWriter};
use std::panic::{self, AssertUnwindSafe};

use serde::{Deserialize, Serialize};

use crate::frames::{read_frame, write_frame};
use crate::jobs::{Output, Task, run_task};

/// Set, to the parent's process id, in the environment of every worker the pool starts.
pub const WORKER_ENV: &str = "LESSON_04_WORKER_OF";

/// Set (to anything) in the lesson's environment, its workers skip the parent-death signal. Only
/// the tests set it, to show which way a worker dies without it (`tests/ctrl_c.rs`).
pub const WITHOUT_PDEATHSIG_ENV: &str = "LESSON_04_WITHOUT_PDEATHSIG";

/// What the pool sends: a task, which attempt this is, and an id to match the reply.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request<T> {
    pub id: u64,
    pub attempt: u32,
    pub task: T,
}

/// What a worker sends back. `Err` carries the message of a task that panicked.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub id: u64,
    pub outcome: Result<Output, String>,
}

// ANCHOR: serve_if_worker
/// The first thing `main` does: if this process was started as a worker, serve tasks until the
/// pool closes the pipe, then exit. Otherwise return, and `main` goes on as the lesson.
pub fn serve_if_worker() {
    let Some(parent) = std::env::var(WORKER_ENV).ok().and_then(|p| p.parse().ok()) else {
        return;
    };
    if std::env::var_os(WITHOUT_PDEATHSIG_ENV).is_none() {
        die_with_parent(parent);
    }
    serve();
    std::process::exit(0);
}
// ANCHOR_END: serve_if_worker

// ANCHOR: die_with_parent
/// Asks Linux to kill this worker when its parent dies, however the parent dies (a crash, a
/// `kill`, SIGKILL): a worker must never outlive the pool. If the parent died before the request
/// was made, this process already has a new parent, and it exits at once. ("Parent" is the
/// thread that started this process: see `pool/start.rs`.)
fn die_with_parent(parent: u32) {
    // SAFETY: prctl(PR_SET_PDEATHSIG) and getppid only read and set this process's own state.
    let parent_now = unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        libc::getppid()
    };
    if parent_now as u32 != parent {
        std::process::exit(1);
    }
}
// ANCHOR_END: die_with_parent

// ANCHOR: serve
/// Reads requests, runs them, writes replies. A panicking task is caught and reported, like an
/// exception in a Python worker; the worker goes on with the next task.
fn serve() {
    // The default hook would print each caught panic on stderr; the reply carries it instead.
    panic::set_hook(Box::new(|_| {}));
    let mut requests = BufReader::new(std::io::stdin().lock());
    let mut replies = BufWriter::new(std::io::stdout().lock());
    while let Ok(Some(request)) = read_frame::<Request<Task>>(&mut requests) {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            run_task(&request.task, request.attempt, &mut || {})
        }))
        .map_err(|payload| format!("panicked: {}", panics::message(&*payload)));
        let reply = Reply {
            id: request.id,
            outcome,
        };
        if write_frame(&mut replies, &reply).is_err() {
            return; // The pool is gone: nobody to work for.
        }
    }
}
// ANCHOR_END: serve
