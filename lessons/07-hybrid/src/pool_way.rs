//! The articles' own design: the download loop hands each photo to a process pool and awaits
//! its thumbnail (`await loop.run_in_executor(pool, make_thumbnail, photo)`).
//!
//! The pool is lesson 04's, written out in full there: this same executable started again as
//! each worker (`main` calls `serve_if_worker` first), photos and thumbnails sent as frames over
//! pipes, every worker killed and reaped when the pool is dropped, and each worker killed by
//! Linux if the lesson dies first. Here one thread owns the pool, like the executor's management
//! thread in CPython's `concurrent.futures.process`: it queues the photos the tasks send, hands
//! each idle worker the next, and answers each task on its oneshot channel.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use lesson_04_process_pool::jobs::{Output, Task};
use lesson_04_process_pool::pool::{Event, Job, Pool};
use tokio::runtime::Runtime;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinSet;

use crate::download::{Photo, download};
use crate::gauge::Working;
use crate::{Ctx, Done, THUMBNAIL_BOX, Thumb, fnv};

/// A photo for the pool, and where to send its thumbnail.
type Request = (Photo, oneshot::Sender<Done>);

// ANCHOR: process_pool
/// Downloads as in the other ways; each task sends its photo to the pool's thread and awaits
/// the answer, as `run_in_executor` does. The pool starts with the run and is gone after it.
pub fn process_pool(ctx: &Ctx, runtime: &Runtime) -> Vec<Done> {
    let (to_pool, requests) = mpsc::channel::<Request>();
    std::thread::scope(|s| {
        s.spawn(|| serve_pool(ctx, requests));
        let permits = Arc::new(Semaphore::new(ctx.setup.concurrency));
        let mut tasks = JoinSet::new();
        for i in 0..ctx.photos.len() {
            let (ctx, permits, to_pool) = (Arc::clone(ctx), Arc::clone(&permits), to_pool.clone());
            tasks.spawn_on(
                async move {
                    let photo = {
                        let _permit = permits.acquire().await.expect("never closed");
                        download(&ctx, i).await
                    };
                    let photo = match photo {
                        Ok(photo) => photo,
                        Err(why) => return (i, Err(why)),
                    };
                    let (reply, thumbnail) = oneshot::channel();
                    let _ = to_pool.send((photo, reply));
                    let gone = || (i, Err("the process pool stopped".to_string()));
                    thumbnail.await.unwrap_or_else(|_| gone())
                },
                runtime.handle(),
            );
        }
        drop(to_pool); // the pool's thread ends once the tasks' clones are gone too
        runtime.block_on(async {
            let mut done = Vec::new();
            while let Some(finished) = tasks.join_next().await {
                done.push(finished.expect("a photo's task panicked"));
            }
            done
        })
    })
}
// ANCHOR_END: process_pool

/// The pool's thread: start `workers` processes, keep each busy with the next photo, answer each
/// photo's task, and stop the workers when no more photos can come.
fn serve_pool(ctx: &Ctx, requests: Receiver<Request>) {
    let mut pool = match Pool::start(&ctx.program, ctx.setup.workers) {
        Ok(pool) => pool,
        Err(error) => {
            for (photo, reply) in requests {
                let _ = reply.send((photo.index, Err(format!("no process pool: {error}"))));
            }
            return;
        }
    };
    let mut queue: VecDeque<Request> = VecDeque::new();
    let mut running: HashMap<usize, (Request, Instant, u64, Working)> = HashMap::new();
    let mut open = true;
    loop {
        while open {
            match requests.try_recv() {
                Ok(request) => queue.push_back(request),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => open = false,
            }
        }
        if !open && queue.is_empty() && running.is_empty() {
            return; // dropping the pool kills and reaps its workers
        }
        for worker in pool.idle_workers() {
            let Some((photo, reply)) = queue.pop_front() else {
                break;
            };
            let task = Task::ThumbnailIn {
                jpeg: photo.jpeg.clone(),
                bound: THUMBNAIL_BOX,
            };
            let job = Job {
                task: photo.index,
                attempt: 1,
            };
            ctx.gauge.count_threads();
            pool.send(worker, job, &task);
            let working = ctx.gauge.working();
            running.insert(
                photo.index,
                ((photo, reply), Instant::now(), worker, working),
            );
        }
        if running.is_empty() && !queue.is_empty() {
            // Photos wait, yet no worker is busy or idle: the pool lost every worker and could
            // not start new ones. Answer each photo instead of waiting for workers that never come.
            for (photo, reply) in queue.drain(..) {
                let _ = reply.send((photo.index, Err("the process pool has no workers".into())));
            }
        }
        if running.is_empty() {
            // Nothing for the workers: wait for the next photo instead.
            match requests.recv_timeout(Duration::from_millis(20)) {
                Ok(request) => queue.push_back(request),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => open = false,
            }
            continue;
        }
        let (task, outcome) = match pool.next_event(Some(Duration::from_millis(1))) {
            Some(Event::Done { job, outcome, .. }) => (job.task, outcome),
            Some(Event::Lost {
                job: Some(job),
                cause,
                ..
            }) => (job.task, Err(cause)),
            _ => continue,
        };
        if let Some(((photo, reply), started, worker, _working)) = running.remove(&task) {
            ctx.cpu_span(format!("worker {worker}"), started);
            let thumb = match outcome {
                Ok(Output::Thumbnail(t)) => Ok(Thumb {
                    width: t.width,
                    height: t.height,
                    checksum: fnv(&t.jpeg),
                }),
                Ok(other) => Err(format!("the worker answered {other:?}")),
                Err(why) => Err(why),
            };
            drop(photo); // its thumbnail is made: the photo leaves memory
            let _ = reply.send((task, thumb));
        }
    }
}
