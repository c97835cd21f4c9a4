//! Five ways to wire downloads (async, at most `concurrency` in flight) to thumbnails (CPU work).
//! The sixth, lesson 04's process pool, is in [`crate::pool_way`].
//!
//! - [`cpu_in_tasks`]: each task downloads, then makes the thumbnail itself, on the runtime.
//! - [`spawn_blocking_unbounded`]: each task hands the thumbnail to tokio's blocking pool.
//! - [`spawn_blocking_limited`]: the same behind a Semaphore with one permit per CPU worker.
//! - [`two_phases`]: download everything, then make every thumbnail (the articles' program).
//! - [`pipeline`]: a download stage and a CPU stage joined by a bounded channel.
//!
//! Each returns one [`Done`] per photo.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use lesson_04_process_pool::thumbnails::thumbnail_in;
use lesson_kit::priority::background_this_thread;
use tokio::runtime::Runtime;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::download::{Photo, download};
use crate::{Ctx, Done, THUMBNAIL_BOX, Thumb, fnv};

/// Makes the thumbnail of `photo` on this thread (the CPU work), then lets go of the photo.
pub fn thumbnail(ctx: &Ctx, photo: Photo) -> Done {
    ctx.gauge.count_threads();
    let _working = ctx.gauge.working();
    let started = Instant::now();
    let made = thumbnail_in(&photo.jpeg, THUMBNAIL_BOX, &mut || {});
    ctx.cpu_span(format!("{:?}", std::thread::current().id()), started);
    let thumb = made.map(|t| Thumb {
        width: t.width,
        height: t.height,
        checksum: fnv(&t.jpeg),
    });
    (photo.index, thumb)
}

// ANCHOR: thumbnail_off_runtime
/// Makes the thumbnail of `photo` on a thread made for CPU work, first put in the background
/// (the kit's [`background_this_thread`], nice 10 by default): when a runtime thread wakes up, the
/// scheduler is asked to favour it over this one.
pub fn thumbnail_off_runtime(ctx: &Ctx, photo: Photo) -> Done {
    if let Some(how) = ctx.setup.background {
        background_this_thread(how);
    }
    thumbnail(ctx, photo)
}
// ANCHOR_END: thumbnail_off_runtime

/// A permit of `permits`, held while its photo downloads: at most that many in flight.
async fn download_limited(ctx: &Ctx, permits: &Semaphore, index: usize) -> Result<Photo, Done> {
    let _permit = permits.acquire().await.expect("never closed");
    download(ctx, index).await.map_err(|why| (index, Err(why)))
}

async fn joined(mut tasks: JoinSet<Done>) -> Vec<Done> {
    let mut done = Vec::new();
    while let Some(finished) = tasks.join_next().await {
        done.push(finished.expect("a photo's task panicked"));
    }
    done
}

// ANCHOR: cpu_in_tasks
/// Each task downloads its photo and makes the thumbnail right there, on a runtime worker
/// thread: while it does, nothing else runs on that thread (no download, no heartbeat).
pub async fn cpu_in_tasks(ctx: Ctx) -> Vec<Done> {
    let permits = Arc::new(Semaphore::new(ctx.setup.concurrency));
    let mut tasks = JoinSet::new();
    for i in 0..ctx.photos.len() {
        let (ctx, permits) = (Arc::clone(&ctx), Arc::clone(&permits));
        tasks.spawn(async move {
            match download_limited(&ctx, &permits, i).await {
                Ok(photo) => thumbnail(&ctx, photo), // CPU work inside the task
                Err(failed) => failed,
            }
        });
    }
    joined(tasks).await
}
// ANCHOR_END: cpu_in_tasks

// ANCHOR: spawn_blocking_unbounded
/// Each task hands its thumbnail to `spawn_blocking` and awaits it: the runtime stays free, but
/// every photo waiting for a core gets a thread of its own (up to 512 by default).
pub async fn spawn_blocking_unbounded(ctx: Ctx) -> Vec<Done> {
    let permits = Arc::new(Semaphore::new(ctx.setup.concurrency));
    let mut tasks = JoinSet::new();
    for i in 0..ctx.photos.len() {
        let (ctx, permits) = (Arc::clone(&ctx), Arc::clone(&permits));
        tasks.spawn(async move {
            let photo = match download_limited(&ctx, &permits, i).await {
                Ok(photo) => photo,
                Err(failed) => return failed,
            };
            let work = tokio::task::spawn_blocking(move || thumbnail_off_runtime(&ctx, photo));
            work.await.expect("a thumbnail panicked")
        });
    }
    joined(tasks).await
}
// ANCHOR_END: spawn_blocking_unbounded

// ANCHOR: spawn_blocking_limited
/// The same, but a task must hold one of `workers` CPU permits to hand its photo over: at most
/// `workers` thumbnails run at once. The JoinHandle is the oneshot that brings the result back.
pub async fn spawn_blocking_limited(ctx: Ctx) -> Vec<Done> {
    let permits = Arc::new(Semaphore::new(ctx.setup.concurrency));
    let cores = Arc::new(Semaphore::new(ctx.setup.workers));
    let mut tasks = JoinSet::new();
    for i in 0..ctx.photos.len() {
        let (ctx, permits, cores) = (Arc::clone(&ctx), Arc::clone(&permits), Arc::clone(&cores));
        tasks.spawn(async move {
            let photo = match download_limited(&ctx, &permits, i).await {
                Ok(photo) => photo,
                Err(failed) => return failed,
            };
            let _core = cores.acquire().await.expect("never closed");
            let work = tokio::task::spawn_blocking(move || thumbnail_off_runtime(&ctx, photo));
            work.await.expect("a thumbnail panicked")
        });
    }
    joined(tasks).await
}
// ANCHOR_END: spawn_blocking_limited

/// `workers` threads make the thumbnails of `photos`, each taking the next one.
fn on_threads(ctx: &Ctx, photos: Vec<Photo>) -> Vec<Done> {
    let queue = Mutex::new(VecDeque::from(photos));
    let done = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..ctx.setup.workers {
            s.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some(photo) = next else { break };
                    let finished = thumbnail_off_runtime(ctx, photo);
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(finished);
                }
            });
        }
    });
    done.into_inner().unwrap_or_else(|e| e.into_inner())
}

// ANCHOR: two_phases
/// The articles' program: download every photo (`asyncio.gather`), then make every thumbnail
/// (`pool.map`). Every photo is in memory at the end of the first phase.
pub fn two_phases(ctx: &Ctx, runtime: &Runtime) -> Vec<Done> {
    let permits = Arc::new(Semaphore::new(ctx.setup.concurrency));
    let downloads = runtime.block_on(futures_util::future::join_all(
        (0..ctx.photos.len()).map(|i| download_limited(ctx, &permits, i)),
    ));
    let (photos, failed): (Vec<_>, Vec<_>) = downloads.into_iter().partition(Result::is_ok);
    let mut done: Vec<Done> = failed.into_iter().filter_map(Result::err).collect();
    done.extend(on_threads(ctx, photos.into_iter().flatten().collect()));
    done
}
// ANCHOR_END: two_phases

// ANCHOR: pipeline
/// Two stages at once: downloads (at most `concurrency` in flight) feed a channel that holds at
/// most `channel` photos; `workers` threads take photos from it and make the thumbnails. When the
/// channel is full, the download stage waits: photos in memory stay bounded.
pub fn pipeline(ctx: &Ctx, runtime: &Runtime) -> Vec<Done> {
    let (to_cpu, from_downloads) = mpsc::channel::<Photo>(ctx.setup.channel);
    // Only the CPU threads hold the receiver: should they all end early (a panic), the channel
    // closes and the download stage's `send` fails instead of waiting forever.
    let from_downloads = Arc::new(Mutex::new(from_downloads));
    let done = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..ctx.setup.workers {
            let (from_downloads, done) = (Arc::clone(&from_downloads), &done);
            s.spawn(move || {
                loop {
                    // One thread waits on the channel, the others for the lock.
                    let next = from_downloads.lock().unwrap().blocking_recv();
                    let Some(photo) = next else { break }; // closed and empty: the end
                    let finished = thumbnail_off_runtime(ctx, photo);
                    done.lock().unwrap().push(finished);
                }
            });
        }
        drop(from_downloads);
        let failed = runtime.block_on(download_stage(ctx, to_cpu));
        done.lock().unwrap().extend(failed);
    });
    done.into_inner().unwrap()
}

/// Downloads every photo, `concurrency` at a time, and sends each to the CPU stage, waiting when
/// the channel is full. Returns the photos that could not be had; dropping `to_cpu` at the end
/// tells the CPU stage that no more photos will come.
async fn download_stage(ctx: &Ctx, to_cpu: mpsc::Sender<Photo>) -> Vec<Done> {
    let mut downloads = futures_util::stream::iter(0..ctx.photos.len())
        .map(|i| async move { download(ctx, i).await.map_err(|why| (i, Err(why))) })
        .buffer_unordered(ctx.setup.concurrency);
    let mut failed = Vec::new();
    while let Some(downloaded) = downloads.next().await {
        match downloaded {
            Ok(photo) => to_cpu
                .send(photo)
                .await
                .expect("the CPU stage runs to the end"),
            Err(why) => failed.push(why),
        }
    }
    failed
}
// ANCHOR_END: pipeline
