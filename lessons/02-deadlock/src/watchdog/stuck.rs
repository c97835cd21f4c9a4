//! What the watchdog found, in words.

use std::time::Duration;

use super::{Wait, WaitForGraph};

/// One thread of a deadlock cycle, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub thread: String,
    pub holds: String,
    pub waits_for: String,
    pub held_by: String,
}

/// Why the watchdog called the threads off.
#[derive(Debug, Clone, PartialEq)]
pub enum Stuck {
    /// Each thread of the cycle waits for a lock the next one holds; `after` is counted from the
    /// start of the run to the moment the watchdog was sure.
    Deadlock { cycle: Vec<Step>, after: Duration },
    /// Nothing moved for this long, and no thread was in a cycle.
    NoProgress { quiet_for: Duration },
}

impl Stuck {
    pub fn is_deadlock(&self) -> bool {
        matches!(self, Stuck::Deadlock { .. })
    }

    /// The report in words: one line per thread of the cycle.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Stuck::Deadlock { cycle, .. } => cycle
                .iter()
                .map(|s| {
                    format!(
                        "{} holds {} and waits for {}, which {} holds",
                        s.thread, s.holds, s.waits_for, s.held_by
                    )
                })
                .collect(),
            Stuck::NoProgress { quiet_for } => vec![format!(
                "no thread made progress for {}, and none was waiting in a cycle: threads that \
                 keep retrying without getting anywhere (a livelock), or a wait the watchdog cannot see",
                lesson_kit::value::format_duration(*quiet_for)
            )],
        }
    }
}

impl WaitForGraph {
    /// The cycle in words: each thread holds the lock the one before it waits for.
    pub(super) fn deadlock(&self, cycle: &[Wait], after: Duration) -> Stuck {
        let steps = cycle
            .iter()
            .enumerate()
            .map(|(i, wait)| {
                let previous = cycle[(i + cycle.len() - 1) % cycle.len()];
                let next = cycle[(i + 1) % cycle.len()];
                Step {
                    thread: self.thread_names[wait.thread].clone(),
                    holds: self.lock_names[previous.lock].clone(),
                    waits_for: self.lock_names[wait.lock].clone(),
                    held_by: self.thread_names[next.thread].clone(),
                }
            })
            .collect();
        Stuck::Deadlock {
            cycle: steps,
            after,
        }
    }
}
