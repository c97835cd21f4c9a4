//! A process pool, written out so that every part can be seen: what `multiprocessing.Pool` and
//! `ProcessPoolExecutor` do behind their one-line API.
//!
//! - **Start** ([`start`]): run this same executable N times with [`WORKER_ENV`](crate::worker::WORKER_ENV) set, each with
//!   a pipe to its stdin (tasks) and one from its stdout (results), all from one thread that
//!   lives as long as the pool.
//! - **Keep every worker busy** ([`batch`]): hand each idle worker the next task; when a result comes back,
//!   that worker is idle again.
//! - **Listen to all of them at once**: one small thread per worker reads its pipe and forwards
//!   each reply, or the news that the pipe broke, to a single channel the pool waits on.
//! - **Survive crashes**: a worker that dies or sends garbage is reaped, its exit status turned
//!   into words, a replacement started, and its task retried once or marked failed.
//! - **Say what it is doing** ([`inspect`]): idle and busy workers, process ids, counts, and a
//!   timeline of which worker ran what when.
//! - **Leave nothing behind** ([`ending`]): dropping the pool kills and reaps every worker, and
//!   each worker asked Linux to kill it if the pool's process dies first (see `worker.rs`).
//!
//! A production Rust program would reach for threads first (rayon) and, when it truly needs
//! processes, for a crate that does this (such as `procspawn`, or `ipc-channel` for the pipes).

mod batch;
mod ending;
mod inspect;
mod start;

use std::collections::HashMap;
use std::io::BufWriter;
use std::path::Path;
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lesson_kit::timeline::Recorder;

use crate::frames::{FrameError, write_frame};
use crate::jobs::{Output, Task};
use crate::worker::{Reply, Request};

pub use ending::describe;
use ending::stop;
use start::Spawner;

/// A task that crashed its worker is tried this many times in all: a crash may be bad luck
/// (the out-of-memory killer), or the task itself (it crashes every time).
pub const MAX_ATTEMPTS: u32 = 2;

/// Every worker started gets a new number, so news from a dead worker is never taken for news
/// from its replacement.
pub type WorkerId = u64;

/// A task of the batch (its index) and which attempt at it this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    pub task: usize,
    pub attempt: u32,
}

/// What the pool heard from its workers.
#[derive(Debug)]
pub enum Event {
    /// A worker finished `job`: the task's output, or the message of its panic.
    Done {
        worker: WorkerId,
        job: Job,
        outcome: Result<Output, String>,
    },
    /// A worker was lost (it died, or sent garbage and was killed) and has been replaced. `job`
    /// is what it was running, `cause` what happened, in words.
    Lost {
        worker: WorkerId,
        pid: u32,
        job: Option<Job>,
        cause: String,
    },
}

/// How one task of a batch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskReport {
    pub outcome: Result<Output, String>,
    pub attempts: u32,
    /// What happened to each earlier attempt whose worker was lost.
    pub lost_attempts: Vec<String>,
}

/// What a worker's reader thread forwards.
enum Incoming {
    Reply(Reply),
    Closed,
    Garbage(FrameError),
}

struct Worker {
    id: WorkerId,
    child: Child,
    /// `None` once closed: the worker's signal to finish.
    to_worker: Option<BufWriter<ChildStdin>>,
    reader: Option<JoinHandle<()>>,
    /// The job it is running and when it was sent; `None` when idle.
    running: Option<(Job, Instant)>,
}

/// Counts kept while the pool runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub workers_started: u64,
    pub workers_replaced: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub requests_sent: u64,
}

/// A pool of worker processes. The fields drop in this order after [`Drop`]: the workers are
/// reaped before the thread that started them ends.
pub struct Pool {
    workers: Vec<Worker>,
    /// From the reader threads: which worker, what arrived, how many bytes it took.
    events: Receiver<(WorkerId, Incoming, u64)>,
    events_sender: Sender<(WorkerId, Incoming, u64)>,
    next_id: WorkerId,
    next_request: u64,
    /// Request ids in flight, by worker: a reply must answer the request its worker was sent.
    request_of: HashMap<WorkerId, u64>,
    stats: PoolStats,
    /// Every process id this pool ever started, to prove none of them outlives it.
    pids: Vec<u32>,
    recorder: Option<Recorder>,
    /// The thread that starts every worker (see [`start`] for why one thread).
    spawner: Spawner,
}

impl Pool {
    // ANCHOR: start
    /// Starts `size` workers, each a copy of `program` (the lesson's own executable).
    pub fn start(program: &Path, size: usize) -> std::io::Result<Pool> {
        let (events_sender, events) = mpsc::channel();
        let mut pool = Pool {
            workers: Vec::new(),
            events,
            events_sender,
            next_id: 0,
            next_request: 0,
            request_of: HashMap::new(),
            stats: PoolStats::default(),
            pids: Vec::new(),
            recorder: None,
            spawner: Spawner::start(program),
        };
        for _ in 0..size.max(1) {
            let worker = pool.spawn_worker()?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }
    // ANCHOR_END: start

    // ANCHOR: send
    /// Hands `job` to an idle `worker`. If the worker has just died, the write fails quietly:
    /// its reader thread reports the death, and the job comes back in that [`Event::Lost`].
    pub fn send(&mut self, worker: WorkerId, job: Job, task: &Task) {
        let id = self.next_request;
        self.next_request += 1;
        let Some(w) = self.workers.iter_mut().find(|w| w.id == worker) else {
            return;
        };
        w.running = Some((job, Instant::now()));
        self.request_of.insert(worker, id);
        let request = Request {
            id,
            attempt: job.attempt,
            task,
        };
        if let Some(Ok(bytes)) = w.to_worker.as_mut().map(|pipe| write_frame(pipe, &request)) {
            self.stats.bytes_sent += bytes as u64;
        }
        self.stats.requests_sent += 1;
    }
    // ANCHOR_END: send

    // ANCHOR: next_event
    /// Waits for the next thing a worker does: finish a task, or die. `None` if `timeout` passed
    /// first (`None` waits as long as it takes). A lost worker is replaced before this returns.
    pub fn next_event(&mut self, timeout: Option<Duration>) -> Option<Event> {
        loop {
            let (worker, incoming, bytes) = match timeout {
                None => self.events.recv().ok()?,
                Some(limit) => match self.events.recv_timeout(limit) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => return None,
                    Err(RecvTimeoutError::Disconnected) => return None,
                },
            };
            self.stats.bytes_received += bytes;
            // News from a worker that was already replaced is old news.
            let Some(slot) = self.workers.iter().position(|w| w.id == worker) else {
                continue;
            };
            match incoming {
                Incoming::Reply(reply) if Some(&reply.id) == self.request_of.get(&worker) => {
                    let (job, since) = self.workers[slot]
                        .running
                        .take()
                        .expect("a reply answers a request");
                    if let Some(recorder) = &self.recorder {
                        recorder.span_since(slot, since);
                    }
                    return Some(Event::Done {
                        worker,
                        job,
                        outcome: reply.outcome,
                    });
                }
                // A worker that breaks the protocol cannot be trusted with another task.
                Incoming::Reply(reply) => {
                    let cause = format!("answered request {} it was never sent", reply.id);
                    return Some(self.replace(worker, &cause, Duration::ZERO));
                }
                Incoming::Garbage(error) => {
                    let cause = format!("sent garbage: {error}");
                    return Some(self.replace(worker, &cause, Duration::ZERO));
                }
                // Its pipe closes when it dies: a moment's grace lets its own exit status
                // (SIGABRT, say) be reported rather than the SIGKILL the pool would send.
                Incoming::Closed => {
                    let cause = "stopped answering (its pipe closed)";
                    return Some(self.replace(worker, cause, Duration::from_millis(50)));
                }
            }
        }
    }
    // ANCHOR_END: next_event

    // ANCHOR: replace
    /// Stops `worker` (it has `grace` to exit by itself, then it is killed), reaps it, and starts
    /// a replacement in its slot. Returns the [`Event::Lost`] that says what happened, with the
    /// exit status in words.
    pub fn replace(&mut self, worker: WorkerId, why: &str, grace: Duration) -> Event {
        let Some(slot) = self.workers.iter().position(|w| w.id == worker) else {
            return Event::Lost {
                worker,
                pid: 0,
                job: None,
                cause: why.to_string(),
            };
        };
        let fresh = self.spawn_worker();
        let mut lost = match fresh {
            Ok(fresh) => std::mem::replace(&mut self.workers[slot], fresh),
            Err(_) => self.workers.remove(slot), // cannot start another: the pool shrinks
        };
        self.stats.workers_replaced += 1;
        self.request_of.remove(&worker);
        let (status, killed) = stop(&mut lost, grace);
        let ending = if killed || grace.is_zero() {
            "the pool stopped it".to_string()
        } else {
            format!("it {}", describe(status))
        };
        Event::Lost {
            worker,
            pid: lost.child.id(),
            job: lost.running.map(|(job, _)| job),
            cause: format!("the worker {why}; {ending}"),
        }
    }
    // ANCHOR_END: replace
}
