//! The runner's side of one check: a fresh pool, the answer's batch on it, and what the pool's
//! own counters and `/proc` say afterwards. The answer only ever holds `&mut Pool`; the pool, the
//! clock and the watcher belong to this code.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::Output;
use lesson_04_process_pool::pool::Pool;
use lesson_kit::process::{children, is_running};
use serde::{Deserialize, Serialize};

use crate::{Answer, Request};

/// What the runner saw of one batch, for the judge to decide on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BatchSeen {
    /// The pool could not be started (nothing of the answer ran).
    pub cannot_start: Option<String>,
    /// Each report's outcome, in the order the answer returned them.
    pub outcomes: Vec<Result<Output, String>>,
    /// From calling the answer to its return.
    pub took: Duration,
    /// The pool's counters after the batch.
    pub workers_started: u64,
    pub workers_replaced: u64,
    pub requests_sent: u64,
    /// Workers the pool ended up without (started but no longer the pool's), each with when it
    /// was last seen alive (from the batch's start) and whether it still runs.
    pub gone: Vec<GoneWorker>,
    /// The pool's workers alive after the batch.
    pub live_workers: usize,
    /// The pool's workers still running a task after the batch.
    pub busy_workers: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GoneWorker {
    pub pid: u32,
    pub last_seen_alive: Duration,
    pub still_running: bool,
}

/// Every child process of the runner, and when it was last seen alive (not a zombie), sampled
/// every 2 ms by a thread of the runner until it is told to stop.
struct Watcher {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<BTreeMap<u32, Duration>>>,
    thread: std::thread::JoinHandle<()>,
}

impl Watcher {
    fn start(since: Instant) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(BTreeMap::new()));
        let (s, m) = (stop.clone(), seen.clone());
        let me = std::process::id();
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                for pid in children(me) {
                    if is_running(pid) {
                        let at = since.elapsed();
                        m.lock().unwrap_or_else(|p| p.into_inner()).insert(pid, at);
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        Watcher { stop, seen, thread }
    }

    fn finish(self) -> BTreeMap<u32, Duration> {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Runs the judge's batch with the answer, in the runner.
pub fn run(answer: Answer, request: &Request) -> BatchSeen {
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(e) => return cannot_start(e),
    };
    let mut pool = match Pool::start(&program, request.workers) {
        Ok(pool) => pool,
        Err(e) => return cannot_start(e),
    };
    let started = Instant::now();
    let watcher = Watcher::start(started);
    let limit = Duration::from_millis(request.limit_ms);
    let reports = (answer.run_with_time_limit)(&mut pool, &request.tasks, limit);
    let took = started.elapsed();
    let last_seen = watcher.finish();
    let stats = pool.stats();
    let current = pool.worker_pids();
    let gone = pool
        .all_pids()
        .iter()
        .filter(|pid| !current.contains(pid))
        .map(|&pid| GoneWorker {
            pid,
            last_seen_alive: last_seen.get(&pid).copied().unwrap_or_default(),
            still_running: is_running(pid),
        })
        .collect();
    let seen = BatchSeen {
        cannot_start: None,
        outcomes: reports.into_iter().map(|r| r.outcome).collect(),
        took,
        workers_started: pool.all_pids().len() as u64,
        workers_replaced: stats.workers_replaced,
        requests_sent: stats.requests_sent,
        gone,
        live_workers: current.iter().filter(|&&pid| is_running(pid)).count(),
        busy_workers: pool.busy_workers().len(),
    };
    // Dropping the pool kills and reaps its workers before the reply goes out.
    drop(pool);
    seen
}

fn cannot_start(e: std::io::Error) -> BatchSeen {
    BatchSeen {
        cannot_start: Some(e.to_string()),
        ..BatchSeen::default()
    }
}
