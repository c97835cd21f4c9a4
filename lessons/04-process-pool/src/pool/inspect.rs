//! What the pool tells about itself: its workers (idle or busy), their process ids, its counts,
//! and the timeline of which worker ran what when.

use std::time::Instant;

use lesson_kit::timeline::{Recorder, Timeline};

use super::{Job, Pool, PoolStats, WorkerId};

impl Pool {
    /// How many workers the pool keeps running.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// The process ids of the workers running now.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.workers.iter().map(|w| w.child.id()).collect()
    }

    /// Every process id this pool has started, including replaced workers.
    pub fn all_pids(&self) -> &[u32] {
        &self.pids
    }

    pub fn stats(&self) -> PoolStats {
        self.stats
    }

    /// Records from now on a timeline of which worker ran a task when (one row per worker slot).
    pub fn record_timeline(&mut self) {
        self.recorder = Some(Recorder::new());
    }

    /// The timeline recorded since [`Pool::record_timeline`].
    pub fn take_timeline(&mut self, name: &str, title: &str) -> Option<Timeline> {
        let rows = (0..self.workers.len())
            .map(|slot| format!("process {slot}"))
            .collect();
        self.recorder
            .take()
            .map(|recorder| recorder.finish(name, title, rows))
    }

    /// The workers that have no task.
    pub fn idle_workers(&self) -> Vec<WorkerId> {
        self.workers
            .iter()
            .filter(|w| w.running.is_none())
            .map(|w| w.id)
            .collect()
    }

    /// The workers that are running a task: which job, and since when.
    pub fn busy_workers(&self) -> Vec<(WorkerId, Job, Instant)> {
        self.workers
            .iter()
            .filter_map(|w| w.running.map(|(job, since)| (w.id, job, since)))
            .collect()
    }
}
