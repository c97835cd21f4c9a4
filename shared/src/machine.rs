//! The machine a lesson runs on.
//!
//! Every speedup is judged against this machine: a 2-core laptop cannot give a 4x speedup, however
//! good the code. So the lessons ask the operating system how many cores this process may use
//! instead of assuming a number.

use serde::Serialize;

/// What a lesson prints about where it ran, so a reader can judge its figures.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Cores this process may run on (respects CPU affinity and cgroup limits).
    pub cores: usize,
    /// The CPU's model name, when the operating system tells it.
    pub cpu: Option<String>,
    /// `debug` or `release`: debug builds are slower, but ratios between variants mostly survive.
    pub profile: &'static str,
}

impl Machine {
    pub fn detect() -> Machine {
        Machine {
            cores: cores(),
            cpu: cpu_model(),
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        }
    }
}

/// The cores this process may use right now: the most parallel speedup the machine can give.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, name)| name.split_whitespace().collect::<Vec<_>>().join(" "))
}
