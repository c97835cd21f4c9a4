//! Why the judge got no answer, in a student's words: the runner's exit status, the signal that
//! killed it and its last words on stderr, read back as the limit it hit or what the answer did.

use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::Sandbox;
use crate::exercise::tree;

/// Why the judge got no answer: what the answer did, in a student's words.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The runner could not be started at all.
    CannotStart(String),
    /// The answer ended its program itself (`exit`, or a panic hook that exits).
    Exited(i32),
    /// The program died of a signal that no limit explains.
    Signalled(String),
    /// A limit was hit; names the limit.
    Limit(String),
    /// No reply within the time allowed.
    NoReply(Duration),
    Panicked(String),
    /// Something other than a reply arrived on the reply channel.
    Garbled(String),
    /// The answer returned, but threads or processes it started were still running.
    LeftRunning(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::CannotStart(why) => write!(f, "the check could not start the answer: {why}"),
            Fault::Exited(code) => write!(
                f,
                "the answer ended the program (exit code {code}) before the check finished"
            ),
            Fault::Signalled(what) => write!(f, "the answer's program was killed: {what}"),
            Fault::Limit(what) => write!(f, "the answer hit a limit: {what}"),
            Fault::NoReply(limit) => write!(
                f,
                "the answer did not return within {} s: it sleeps, waits forever or loops",
                limit.as_secs()
            ),
            Fault::Panicked(message) if message.contains("not yet implemented") => write!(
                f,
                "not done yet: the code still reaches todo!() ({message})"
            ),
            Fault::Panicked(message) => write!(f, "the answer panicked: {message}"),
            Fault::Garbled(line) => {
                write!(f, "the answer wrote to the check's reply channel: {line:?}")
            }
            Fault::LeftRunning(what) => write!(
                f,
                "the answer returned but left {what} running: what it starts must end before it returns"
            ),
        }
    }
}

impl Sandbox {
    /// A thread that could not start because memory ran out is a limit, not a bug in the answer.
    pub(super) fn explain_panic(&self, message: String) -> Fault {
        if !message.contains("failed to spawn thread") {
            return Fault::Panicked(message);
        }
        // With more threads still running than allowed, the thread limit is the one it broke,
        // even if the watchdog did not look in time: 473 threads of 2 MiB fit in 1 GiB and start
        // in 20-30 ms here, and on a busy machine the judge's thread may wait that long between
        // looks.
        let threads = tree::threads(self.pid).saturating_sub(1);
        if threads > self.limits.threads {
            return Fault::Limit(format!(
                "{threads} threads at once (at most {} allowed)",
                self.limits.threads
            ));
        }
        Fault::Limit(format!(
            "threads could not start within the {} MiB memory limit ({message})",
            self.limits.memory_bytes >> 20
        ))
    }

    /// The runner has gone (or is going): why, from its exit status and last words.
    pub(super) fn fault_after_exit(&mut self) -> Fault {
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => break None,
            }
        };
        // Its last words (an allocation failure, a stack overflow) arrive on stderr: wait for
        // the pipes to close, briefly; a process the answer left running may hold them open.
        let deadline = Instant::now() + Duration::from_millis(300);
        while self.open_outputs.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let said = self.printed();
        let Some(status) = status else {
            return Fault::Garbled("the runner closed the reply channel".to_string());
        };
        if let Some(code) = status.code() {
            return Fault::Exited(code);
        }
        let signal = status.signal().unwrap_or(0);
        let limits = &self.limits;
        match signal {
            libc::SIGXCPU => {
                Fault::Limit(format!("more than {} s of CPU time", limits.cpu_seconds))
            }
            libc::SIGXFSZ => Fault::Limit(format!(
                "a file larger than {} MiB",
                limits.file_bytes >> 20
            )),
            libc::SIGABRT if said.contains("memory allocation of") => Fault::Limit(format!(
                "memory: more than {} MiB asked for",
                limits.memory_bytes >> 20
            )),
            libc::SIGABRT | libc::SIGSEGV if said.contains("overflowed its stack") => {
                Fault::Signalled("its stack overflowed (endless recursion?)".to_string())
            }
            libc::SIGABRT => Fault::Signalled("it aborted (SIGABRT)".to_string()),
            other => Fault::Signalled(format!("signal {other}")),
        }
    }
}
