//! Starting workers: which thread starts them matters.
//!
//! Each worker asks Linux to kill it when its parent dies (`PR_SET_PDEATHSIG`, see `worker.rs`).
//! But for that signal the "parent" is the *thread* that started the worker, not its process
//! (prctl(2): "the signal will be sent when that thread terminates"). A pool can be moved to
//! another thread (it is `Send`), and a worker replaced from a short-lived thread would be killed
//! when that thread ends, in the middle of a task. So every worker of a pool is started by one
//! thread, the spawner, which lives exactly as long as the pool: the workers die with the pool
//! or with the process, never with whichever thread happened to call it.

use std::io::{self, BufReader, BufWriter, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

use super::{Incoming, Pool, Worker};
use crate::frames::read_frame;
use crate::worker::{Reply, WORKER_ENV};

// ANCHOR: spawner
/// The thread that starts every worker of one pool, and the way to ask it for one.
pub(super) struct Spawner {
    requests: Option<Sender<Sender<io::Result<Child>>>>,
    thread: Option<JoinHandle<()>>,
}

impl Spawner {
    pub(super) fn start(program: &Path) -> Spawner {
        let program = program.to_path_buf();
        let (requests, inbox) = mpsc::channel::<Sender<io::Result<Child>>>();
        let thread = std::thread::Builder::new()
            .name("pool spawner".into())
            .spawn(move || {
                for reply in inbox {
                    let child = Command::new(&program)
                        .env(WORKER_ENV, std::process::id().to_string())
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .spawn();
                    let _ = reply.send(child);
                }
            })
            .expect("a thread to start workers from");
        Spawner {
            requests: Some(requests),
            thread: Some(thread),
        }
    }

    /// Starts one worker, on the spawner thread.
    fn spawn(&self) -> io::Result<Child> {
        let gone = || io::Error::other("the pool's spawner thread is gone");
        let (reply, answer) = mpsc::channel();
        let requests = self.requests.as_ref().ok_or_else(gone)?;
        requests.send(reply).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

/// The spawner ends after the pool's own `Drop` has reaped the workers (see [`Pool`]'s fields).
impl Drop for Spawner {
    fn drop(&mut self) {
        self.requests = None; // its loop ends
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
// ANCHOR_END: spawner

impl Pool {
    // ANCHOR: spawn_worker
    pub(super) fn spawn_worker(&mut self) -> io::Result<Worker> {
        let mut child = self.spawner.spawn()?;
        let id = self.next_id;
        self.next_id += 1;
        self.stats.workers_started += 1;
        self.pids.push(child.id());
        let from_worker = child.stdout.take().expect("stdout is piped");
        let to_worker = Some(BufWriter::new(child.stdin.take().expect("stdin is piped")));
        let events = self.events_sender.clone();
        // One reader per worker, so that the pool hears from whichever worker speaks first.
        let reader = std::thread::spawn(move || {
            let mut from_worker = Counted::new(BufReader::new(from_worker));
            loop {
                let (incoming, last) = match read_frame::<Reply>(&mut from_worker) {
                    Ok(Some(reply)) => (Incoming::Reply(reply), false),
                    Ok(None) => (Incoming::Closed, true),
                    Err(garbage) => (Incoming::Garbage(garbage), true),
                };
                let bytes = std::mem::take(&mut from_worker.bytes);
                if events.send((id, incoming, bytes)).is_err() || last {
                    return;
                }
            }
        });
        Ok(Worker {
            id,
            child,
            to_worker,
            reader: Some(reader),
            running: None,
        })
    }
    // ANCHOR_END: spawn_worker
}

/// A reader that counts the bytes that pass through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R> Counted<R> {
    fn new(inner: R) -> Self {
        Counted { inner, bytes: 0 }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}
