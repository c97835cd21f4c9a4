//! What the machine lets one process hold, read before anything runs, so that options the
//! machine cannot carry are refused with one line instead of failing halfway.
//!
//! - Open files: each request in flight holds two descriptors in this process (the client's
//!   socket and the local server's end of it), against RLIMIT_NOFILE.
//! - Threads: a thread pool of L starts L threads, the memory experiment `--threads` of them,
//!   against RLIMIT_NPROC (threads of the whole user, getrlimit(2)) and the system's
//!   `/proc/sys/kernel/threads-max`. A thread the system refuses anyway is reported, not a panic.

/// Descriptors and threads kept in reserve for the runtime, the server and the standard streams.
pub const SPARE: u64 = 64;

/// This process's soft limit of open file descriptors (RLIMIT_NOFILE).
pub fn fd_limit() -> u64 {
    soft_limit(libc::RLIMIT_NOFILE).unwrap_or(1024)
}

/// The most threads this process may hope to start: RLIMIT_NPROC and the system's threads-max.
pub fn thread_limit() -> u64 {
    let system = std::fs::read_to_string("/proc/sys/kernel/threads-max")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(u64::MAX);
    soft_limit(libc::RLIMIT_NPROC)
        .unwrap_or(u64::MAX)
        .min(system)
}

fn soft_limit(resource: libc::__rlimit_resource_t) -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes into the struct it is given.
    if unsafe { libc::getrlimit(resource, &mut limit) } != 0 {
        return None;
    }
    Some(limit.rlim_cur) // RLIM_INFINITY is u64::MAX
}

/// `--limit`: every request in flight holds two descriptors here, and a thread pool of L starts
/// L threads. Past the descriptors, accept() fails and requests wait for their timeout.
pub fn check_limit(limit: u64) -> Result<(), String> {
    let (need, files) = (2 * limit + SPARE, fd_limit());
    if need > files {
        return Err(format!(
            "--limit {limit}: needs about {need} open files, RLIMIT_NOFILE here is {files}; \
             allowed: --limit up to {}",
            files.saturating_sub(SPARE) / 2
        ));
    }
    check_threads("--limit", limit)
}

/// `--threads` (or a pool's `--limit`): the threads must fit under [`thread_limit`].
pub fn check_threads(option: &str, threads: u64) -> Result<(), String> {
    let most = thread_limit();
    if threads.saturating_add(SPARE) > most {
        return Err(format!(
            "{option} {threads}: needs {threads} threads, this system allows {most} \
             (RLIMIT_NPROC, threads-max); allowed: {option} up to {}",
            most.saturating_sub(SPARE)
        ));
    }
    Ok(())
}
