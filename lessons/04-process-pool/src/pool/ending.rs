//! Ending workers: a clean shutdown, a drop that kills, and reaping in every case.
//!
//! A dead child stays in the process table, a zombie, until its parent waits for it. So every
//! path that ends a worker waits for it, and turns its exit status into words.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use super::{Pool, Worker};

impl Pool {
    /// Closes every worker's stdin, so each one finishes and exits by itself, and waits for
    /// them (killing any that takes longer than a second). Returns how each one ended.
    pub fn shutdown(mut self) -> Vec<String> {
        let mut workers: Vec<Worker> = self.workers.drain(..).collect();
        for worker in &mut workers {
            // Closing the pipe is the worker's signal to stop: its `read_frame` returns `None`.
            worker.to_worker = None;
        }
        workers
            .iter_mut()
            .map(|worker| describe(stop(worker, Duration::from_secs(1)).0))
            .collect()
    }
}

// ANCHOR: drop
/// Dropping the pool (at the end of a scope, on an early return, or while a panic unwinds)
/// kills and reaps every worker: no process outlives the pool.
impl Drop for Pool {
    fn drop(&mut self) {
        for mut worker in self.workers.drain(..) {
            let _ = worker.child.kill();
            stop(&mut worker, Duration::ZERO);
        }
    }
}
// ANCHOR_END: drop

/// Waits up to `grace` for a worker to exit, then kills it; always reaps it (no zombie is left)
/// and joins its reader thread. Returns its exit status, and whether it had to be killed.
pub(super) fn stop(worker: &mut Worker, grace: Duration) -> (Option<ExitStatus>, bool) {
    let deadline = Instant::now() + grace;
    let ended = loop {
        match worker.child.try_wait() {
            Ok(Some(status)) => break (Some(status), false),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_micros(100)),
            _ => {
                let _ = worker.child.kill();
                break (worker.child.wait().ok(), true);
            }
        }
    };
    if let Some(reader) = worker.reader.take() {
        let _ = reader.join();
    }
    ended
}

/// An exit status in words: "exited normally", "was killed by signal 6 (SIGABRT)".
pub fn describe(status: Option<ExitStatus>) -> String {
    match status {
        Some(status) if status.success() => "exited normally".to_string(),
        Some(status) => match (status.code(), status.signal()) {
            (Some(code), _) => format!("exited with code {code}"),
            (None, Some(signal)) => {
                format!("was killed by signal {signal} ({})", signal_name(signal))
            }
            _ => format!("ended: {status}"),
        },
        None => "could not be waited for".to_string(),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT, the process aborted",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV, a bad memory access",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT, Ctrl-C",
        libc::SIGPIPE => "SIGPIPE",
        _ => "a signal",
    }
}
