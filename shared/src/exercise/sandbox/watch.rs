//! The judge's watch over one request: the wall time and CPU time it took, the runner's threads
//! sampled about every millisecond (each counted once steady), the thread and process limits
//! enforced as it works, and what it left running after it replied.

use std::collections::{BTreeSet, VecDeque};
use std::io::Write;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Fault, Sandbox};
use crate::exercise::protocol::Message;
use crate::exercise::tree;

/// Samples in a row a thread must appear in to count as running beside others. Three (~2 ms)
/// leave out a joined thread still being torn down while the next one starts, which would
/// otherwise make an answer that joins each thread before the next look parallel.
pub const STEADY_SAMPLES: usize = 3;

/// What the judge saw while the answer worked on one request.
#[derive(Debug, Clone)]
pub struct Observation<A> {
    pub reply: A,
    /// From writing the request to reading the reply, measured by the judge.
    pub wall: Duration,
    /// CPU time the runner used meanwhile, all its threads, read from `/proc` by the judge.
    pub cpu: Duration,
    /// The most threads the runner had at once beyond its main thread, counting only threads
    /// present in [`STEADY_SAMPLES`] samples in a row (~1 ms apart): a joined thread can still be
    /// listed in `/proc` for a moment while it exits, beside the next one it let start.
    pub peak_threads: usize,
    /// Threads seen at any time during the request beyond the main thread (sampled every ~1 ms;
    /// a thread that lived less than that may be missed).
    pub threads_seen: usize,
}

impl<A> Observation<A> {
    /// Cores used on average: CPU time over wall time.
    pub fn cores_used(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

impl Sandbox {
    /// Writes one request and waits for its reply, sampling the runner's threads meanwhile.
    pub(super) fn exchange<Q: Serialize, A: DeserializeOwned>(
        &mut self,
        request: &Q,
    ) -> Result<(Observation<A>, Option<String>), Fault> {
        let mut line = serde_json::to_string(request).expect("requests serialise");
        line.push('\n');
        let cpu_before = tree::cpu_time(self.pid);
        let started = Instant::now();
        if self.requests.write_all(line.as_bytes()).is_err() || self.requests.flush().is_err() {
            return Err(self.fault_after_exit());
        }
        let mut peak_threads = 0;
        let mut seen: BTreeSet<i32> = BTreeSet::new();
        let mut recent: VecDeque<BTreeSet<i32>> = VecDeque::with_capacity(STEADY_SAMPLES);
        let mut polls = 0u64;
        let reply = loop {
            match self.replies.recv_timeout(Duration::from_millis(1)) {
                Ok(reply) => break reply,
                Err(RecvTimeoutError::Disconnected) => return Err(self.fault_after_exit()),
                Err(RecvTimeoutError::Timeout) => {}
            }
            polls += 1;
            let ids: BTreeSet<i32> = tree::thread_ids(self.pid)
                .into_iter()
                .filter(|&id| id != self.pid)
                .collect();
            let threads = ids.len();
            seen.extend(&ids);
            if recent.len() == STEADY_SAMPLES {
                recent.pop_front();
            }
            recent.push_back(ids);
            if recent.len() == STEADY_SAMPLES {
                let steady = recent[0]
                    .iter()
                    .filter(|id| recent.iter().all(|sample| sample.contains(id)))
                    .count();
                peak_threads = peak_threads.max(steady);
            }
            if threads > self.limits.threads {
                return Err(Fault::Limit(format!(
                    "{threads} threads at once (at most {} allowed)",
                    self.limits.threads
                )));
            }
            if polls.is_multiple_of(10) {
                let processes = tree::with_descendants(self.pid).len() - 1;
                if processes > self.limits.processes {
                    return Err(Fault::Limit(format!(
                        "{processes} processes started (at most {} allowed)",
                        self.limits.processes
                    )));
                }
                if let Ok(Some(_)) = self.child.try_wait() {
                    return Err(self.fault_after_exit());
                }
            }
            if started.elapsed() > self.limits.reply_within {
                return Err(Fault::NoReply(self.limits.reply_within));
            }
        };
        let wall = started.elapsed();
        let cpu = tree::cpu_time(self.pid).saturating_sub(cpu_before);
        match serde_json::from_str::<Message<A>>(&reply) {
            Ok(Message::Done(reply)) => Ok((
                Observation {
                    reply,
                    wall,
                    cpu,
                    peak_threads,
                    threads_seen: seen.len(),
                },
                self.left_running(),
            )),
            Ok(Message::Panicked(message)) => Err(self.explain_panic(message)),
            _ => Err(Fault::Garbled(reply.chars().take(80).collect())),
        }
    }

    /// Threads or processes of the answer still running after it returned (given 100 ms to end).
    fn left_running(&self) -> Option<String> {
        let mut left = None;
        for _ in 0..20 {
            let processes: Vec<i32> = tree::with_descendants(self.pid)
                .into_iter()
                .filter(|&p| p != self.pid && !tree::is_zombie(p))
                .collect();
            let threads = tree::threads(self.pid).saturating_sub(1);
            left = if let Some(&first) = processes.first() {
                let name =
                    std::fs::read_to_string(format!("/proc/{first}/comm")).unwrap_or_default();
                Some(match processes.len() {
                    1 => format!("a process ({}, pid {first})", name.trim()),
                    n => format!("{n} processes (one is {}, pid {first})", name.trim()),
                })
            } else if threads > 0 {
                Some(format!(
                    "{threads} thread{}",
                    if threads == 1 { "" } else { "s" }
                ))
            } else {
                None
            };
            left.as_ref()?;
            std::thread::sleep(Duration::from_millis(5));
        }
        left
    }
}
