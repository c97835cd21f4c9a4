//! What a runner is allowed, and the kernel's limits that hold it to that.
//!
//! Memory (address space), file size, open files and CPU time are `setrlimit` limits the kernel
//! enforces on the runner's process itself, set between `fork` and `exec`. Threads and processes
//! are not: `RLIMIT_NPROC` counts every process of the user across the machine, and does not apply
//! to root at all, so the judge counts them in `/proc` while the answer works (see `watch`), as
//! it does the wall time of a reply.

use std::time::Duration;

/// What a runner is allowed. Every limit hit is reported by name.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Address space per process (`RLIMIT_AS`): bounds memory, and thread stacks with it.
    pub memory_bytes: u64,
    /// The largest file it may write (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
    /// Open file descriptors per process (`RLIMIT_NOFILE`).
    pub open_files: u64,
    /// CPU time per process (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Threads of the runner at once (watchdog).
    pub threads: usize,
    /// Processes below the runner at once (watchdog).
    pub processes: usize,
    /// Wall time for one reply.
    pub reply_within: Duration,
    /// TCP ports the answer may connect to (a server the judge started on 127.0.0.1). Landlock
    /// rules name ports, not addresses; every other TCP connect and every bind is refused.
    pub connect_ports: Vec<u16>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: 1 << 30,
            file_bytes: 64 << 20,
            open_files: 64,
            cpu_seconds: 60,
            threads: 64,
            processes: 8,
            reply_within: Duration::from_secs(20),
            connect_ports: Vec::new(),
        }
    }
}

impl Limits {
    /// Sets the `setrlimit` limits on the calling process. Called in the child between `fork` and
    /// `exec`, so it only makes system calls (`setrlimit`): it takes no lock and allocates nothing.
    pub(super) fn set_in_child(&self) {
        let limit = |resource, soft: u64, hard: u64| {
            let value = libc::rlimit {
                rlim_cur: soft,
                rlim_max: hard,
            };
            // SAFETY: setrlimit reads a valid rlimit that lives on this stack.
            unsafe { libc::setrlimit(resource, &value) }
        };
        limit(libc::RLIMIT_AS, self.memory_bytes, self.memory_bytes);
        limit(libc::RLIMIT_FSIZE, self.file_bytes, self.file_bytes);
        limit(libc::RLIMIT_NOFILE, self.open_files, self.open_files);
        limit(libc::RLIMIT_CPU, self.cpu_seconds, self.cpu_seconds + 1);
        limit(libc::RLIMIT_CORE, 0, 0);
    }
}
