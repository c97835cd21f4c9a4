//! Looking at other processes: their memory, their children, whether they still run.
//!
//! Lessons that start processes must prove two things: what each process costs (its resident
//! memory, read from `/proc/<pid>/status`), and that none outlives the lesson (its children,
//! read from `/proc/<pid>/task/*/children`, where a zombie stays until it is waited for). Linux only; elsewhere these return `None` or empty.

use std::path::Path;

/// Resident memory of one process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resident {
    /// VmRSS: every page in RAM, including pages of the executable and libraries that other
    /// processes share.
    pub total: u64,
    /// RssAnon: the process's own heap and stacks, which no other process shares: what one more
    /// such process really adds.
    pub private: u64,
}

/// The resident memory of process `pid`, in bytes, while it runs.
pub fn resident_memory(pid: u32) -> Option<Resident> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    Some(Resident {
        total: status_field(&status, "VmRSS:")? * 1024,
        private: status_field(&status, "RssAnon:")? * 1024,
    })
}

/// One number of a `/proc/<pid>/status` text (`VmRSS:  1234 kB` gives 1234; `Threads: 3` gives 3).
pub fn status_field(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The processes whose parent is `pid` right now (any of its threads may be the parent).
pub fn children(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task"));
    for task in tasks.into_iter().flatten().flatten() {
        if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
            children.extend(
                list.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    children.sort_unstable();
    children.dedup();
    children
}

/// The state letter of process `pid` (`R` running, `S` sleeping, `Z` zombie: dead but not yet
/// waited for, ...), from `/proc/<pid>/stat`; `None` once it is gone.
pub fn state(pid: u32) -> Option<char> {
    let stat =
        std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")).ok()?;
    // The state letter follows the command name in parentheses: "123 (name) S ...".
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .next()?
        .chars()
        .next()
}

/// Is process `pid` still running? A zombie (dead, not yet reaped) counts as not running.
pub fn is_running(pid: u32) -> bool {
    state(pid).is_some_and(|state| state != 'Z' && state != 'X')
}

/// Which of `pids` are still children of this process, zombies included, and how many of those
/// are zombies. "Reaped" means: in neither count.
pub fn not_reaped(pids: &[u32]) -> (Vec<u32>, usize) {
    let mine = children(std::process::id());
    let left: Vec<u32> = pids.iter().copied().filter(|p| mine.contains(p)).collect();
    let zombies = left.iter().filter(|&&p| state(p) == Some('Z')).count();
    (left, zombies)
}

/// Runs `command` with its stdout captured (stdin and stderr closed), waits at most `limit`,
/// kills it if it overruns, and always reaps it: no child outlives the call. Returns what it
/// printed, or `Err` naming why there is nothing to read (it could not start, it was killed).
pub fn output_within(
    mut command: std::process::Command,
    limit: std::time::Duration,
) -> Result<String, String> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the child process could not be started: {e}"))?;
    // Read on a thread of its own, so a child that prints much never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("stdout was piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let deadline = std::time::Instant::now() + limit;
    let mut killed = false;
    while child.try_wait().ok().flatten().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            killed = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.wait(); // reaped, killed or not
    let text = reader.join().unwrap_or_default();
    if killed {
        return Err(format!(
            "the child process was killed after {} s",
            limit.as_secs()
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_seen_measured_and_gone_after_wait() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep runs");
        let pid = child.id();
        assert!(children(std::process::id()).contains(&pid));
        assert!(is_running(pid));
        let memory = resident_memory(pid).expect("a running process has a status");
        assert!(
            memory.total >= memory.private && memory.total > 0,
            "{memory:?}"
        );
        child.kill().unwrap();
        // Killed but not waited for: a zombie, not running, yet still a child.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while state(pid) != Some('Z') && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(!is_running(pid));
        assert_eq!(not_reaped(&[pid]), (vec![pid], 1), "a zombie is not reaped");
        child.wait().unwrap();
        assert_eq!(not_reaped(&[pid]), (vec![], 0));
        assert!(!children(std::process::id()).contains(&pid));
    }

    #[test]
    fn a_child_that_overruns_is_killed_and_reaped() {
        let mut quick = std::process::Command::new("echo");
        quick.arg("hello");
        let limit = std::time::Duration::from_secs(5);
        assert_eq!(output_within(quick, limit).as_deref(), Ok("hello\n"));
        let mut slow = std::process::Command::new("sleep");
        slow.arg("30");
        let started = std::time::Instant::now();
        let killed = output_within(slow, std::time::Duration::from_millis(100));
        assert!(killed.unwrap_err().contains("killed"));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
