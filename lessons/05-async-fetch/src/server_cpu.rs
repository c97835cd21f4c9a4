//! The CPU time of the local server's thread, so that a client's cost per request is its own.
//!
//! The server runs inside the lesson's process (on a thread named `local-server`), so the
//! process's CPU time counts the server's work too. Linux keeps each thread's time on the CPU in
//! `/proc/self/task/<tid>/schedstat` (its first field, in nanoseconds); subtracting the server
//! thread's share leaves what the clients cost.

use std::time::Duration;

/// CPU time so far of this process's threads named `name` (0 where Linux cannot tell).
pub fn thread_cpu(name: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut total = Duration::ZERO;
    for task in tasks.flatten() {
        let path = task.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if comm.trim_end() != name {
            continue;
        }
        let schedstat = std::fs::read_to_string(path.join("schedstat")).unwrap_or_default();
        if let Some(ns) = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
        {
            total += Duration::from_nanos(ns);
        }
    }
    total
}

/// The server thread's CPU time so far.
pub fn server_cpu() -> Duration {
    thread_cpu("local-server")
}
