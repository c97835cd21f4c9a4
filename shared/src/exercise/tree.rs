//! The processes an answer started, found through `/proc`, and how they are all ended.
//!
//! A runner is started in its own process group, but an answer can leave it (`setsid` through a
//! shell, a daemon's double fork). The judge therefore marks itself a *child subreaper*
//! (`PR_SET_CHILD_SUBREAPER`, Linux 3.4): an orphan reparents to the judge instead of to init, so
//! following `children` links from the judge still finds every process the answer started.

use std::collections::BTreeSet;
use std::time::Duration;

/// The children of every thread of `pid` (`/proc/PID/task/TID/children`, Linux 3.5).
pub fn children(pid: i32) -> Vec<i32> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        let path = task.path().join("children");
        if let Ok(text) = std::fs::read_to_string(path) {
            found.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            );
        }
    }
    found
}

/// `pid` and every process below it.
pub fn with_descendants(pid: i32) -> BTreeSet<i32> {
    let mut all = BTreeSet::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        if all.insert(p) {
            todo.extend(children(p));
        }
    }
    all
}

/// The number of threads of `pid` (entries of `/proc/PID/task`); 0 once it is gone.
pub fn threads(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The thread ids of `pid` right now; empty once it is gone.
pub fn thread_ids(pid: i32) -> Vec<i32> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| {
            d.flatten()
                .filter_map(|t| t.file_name().to_str().and_then(|n| n.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

/// Marks this process a child subreaper, so orphans of the runners it starts come back to it.
pub fn become_subreaper() {
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer flag and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// SIGKILLs process group `group`, and every process below `roots` (whatever its group), until
/// none is left; then reaps those that are this process's children. `keep`: children of this
/// process that were there before the runner and are not the answer's.
pub fn kill_all(group: i32, roots: &[i32], keep: &BTreeSet<i32>) {
    let me = std::process::id() as i32;
    for _round in 0..100 {
        // SAFETY: kill takes plain integers; a group that no longer exists gives ESRCH.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let mut alive: BTreeSet<i32> = BTreeSet::new();
        for &root in roots {
            alive.extend(with_descendants(root));
        }
        // Orphans that came back to this subreaper.
        for child in children(me) {
            if !keep.contains(&child) {
                alive.extend(with_descendants(child));
            }
        }
        // A root already reaped (the judge waited for a runner that exited) is gone, not alive:
        // counting it kept this loop going for all its rounds (0.5-1 s per failed check).
        alive.retain(|&p| p != me && running(p));
        for &pid in &alive {
            // SAFETY: as above.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        reap_children(keep);
        if alive.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reaps every exited child of this process that is not in `keep`.
fn reap_children(keep: &BTreeSet<i32>) {
    for child in children(std::process::id() as i32) {
        if keep.contains(&child) {
            continue;
        }
        let mut status = 0;
        // SAFETY: waitpid writes the status into the integer we own; WNOHANG never blocks.
        unsafe {
            libc::waitpid(child, &mut status, libc::WNOHANG);
        }
    }
}

/// A process that exists and has not ended (not a zombie).
fn running(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid)
}

/// A process that has ended but not been reaped.
pub fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next().map(|x| x == "Z"))
        })
        .unwrap_or(false)
}

/// User plus system CPU time of `pid` and its ended threads (`/proc/PID/stat`, in clock ticks).
pub fn cpu_time(pid: i32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Duration::ZERO;
    };
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    // SAFETY: sysconf takes an integer and returns one.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_nanos(ticks * 1_000_000_000 / per_second)
}
