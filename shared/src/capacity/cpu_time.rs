//! Who used how much CPU time, as Linux counts it: the whole machine (`/proc/stat`), this
//! process and everything it started (`getrusage` and its live descendants' `/proc/[pid]/stat`),
//! and the calling thread (`CLOCK_THREAD_CPUTIME_ID`).

use std::time::Duration;

/// The CPU time every core of the machine has spent busy since boot (user, nice, system, irq,
/// softirq and steal in the first line of Linux's `/proc/stat`, counted in clock ticks).
pub(super) fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| Duration::from_secs_f64(busy as f64 / per_second as f64))
}

/// CPU time used by this process and everything it started: itself and its reaped children
/// (`getrusage`), plus its live descendants (a process pool's workers), read from each
/// process's `/proc/[pid]/stat`. Without the live ones, a lesson's own worker processes would
/// count as "another program" and the machine would look busy while the lesson kept it busy.
pub(super) fn own_cpu_time() -> Duration {
    crate::measure::cpu_time() + live_descendants_cpu().unwrap_or_default()
}

/// The CPU time (user and system, their reaped children's included) of every live process
/// descended from this one. Linux's `/proc/[pid]/task/[tid]/children` would list them directly,
/// but it needs `CONFIG_PROC_CHILDREN`, which many kernels (this machine's) leave out; so this
/// reads every process's parent from `/proc/[pid]/stat`.
fn live_descendants_cpu() -> Option<Duration> {
    let mut processes = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        // A process may end between listing and reading: skip it.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The name, in parentheses, may itself hold spaces and parentheses: fields start after
        // the last ')'. Then: state, ppid, ..., utime (14th field), stime, cutime, cstime.
        let Some(fields) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let fields: Vec<&str> = fields.split_whitespace().collect();
        let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        if let (Some(ppid), Some(u), Some(s), Some(cu), Some(cs)) =
            (number(1), number(11), number(12), number(13), number(14))
        {
            processes.push((pid, ppid as u32, u + s + cu + cs));
        }
    }
    let mut ticks = 0;
    let mut parents = vec![std::process::id()];
    while let Some(parent) = parents.pop() {
        for &(pid, _, used) in processes.iter().filter(|p| p.1 == parent) {
            ticks += used;
            parents.push(pid);
        }
    }
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// CPU time used by the calling thread.
pub fn thread_cpu_time() -> Duration {
    // SAFETY: clock_gettime only writes into the timespec we hand it.
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_process_is_not_another_program() {
        // A child that counts for a while, then sleeps: its CPU time is this process's own.
        let mut child = std::process::Command::new("sh")
            .args([
                "-c",
                "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 5",
            ])
            .spawn()
            .expect("sh runs");
        std::thread::sleep(Duration::from_millis(400));
        let ours = live_descendants_cpu().unwrap_or_default();
        child.kill().expect("the child is killed");
        child.wait().expect("the child is reaped");
        assert!(
            ours >= Duration::from_millis(20),
            "a live child's CPU time: {ours:?}"
        );
    }
}
