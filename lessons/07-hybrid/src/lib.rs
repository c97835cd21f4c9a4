//! # Lesson 07: async downloads feeding CPU work
//!
//! The Python articles end with the mixed case: download photos with asyncio, then make
//! thumbnails of them in a `ProcessPoolExecutor` through `run_in_executor`, because CPU work in
//! the event loop stalls it and threads are held back by the GIL. Rust threads have no GIL, but
//! *where* the CPU work runs still decides whether the downloads keep flowing. This lesson
//! downloads photos from the [`local_server`] (each after a delay) and makes a thumbnail of each
//! with lesson 04's job, wired six ways ([`ways`], [`pool_way`]), and measures each against its
//! ideal ([`six_ways`]), on a timeline ([`overlap`]), and when a photo cannot be had
//! ([`failures`]).
//!
//! The measuring parts: the kit's heartbeat (how late a task that wakes every 10 ms is woken),
//! [`gauge`] (photos held in memory, threads, downloads in flight) and [`run`] (one measured run).

use std::sync::Arc;
use std::time::Duration;

use local_server::reqwest;

pub mod checks;
pub mod costs;
pub mod download;
pub mod failures;
pub mod gauge;
pub mod overlap;
pub mod pool_way;
pub mod run;
pub mod six_ways;
pub mod ways;

/// How often the heartbeat (the kit's [`lesson_kit::heartbeat`]) asks to be woken.
pub const HEARTBEAT: Duration = Duration::from_millis(10);

/// The thumbnails fit in this square: small, as on a photo site's index page.
pub const THUMBNAIL_BOX: u32 = 160;

/// What the experiments are asked to do.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Photos in the batch.
    pub photos: usize,
    /// The server's delay before each photo.
    pub delay: Duration,
    /// Downloads in flight at once.
    pub concurrency: usize,
    /// Threads for CPU work, and the runtime's worker threads.
    pub workers: usize,
    /// Photos the pipeline's channel holds between its stages.
    pub channel: usize,
    pub reps: usize,
    /// How the threads made for CPU work are put in the background (None: left as they are).
    pub background: Option<lesson_kit::priority::Background>,
}

/// One photo of the batch: its name (for reports) and where to get it.
#[derive(Debug, Clone)]
pub struct PhotoUrl {
    pub name: String,
    pub url: String,
}

/// The batch: photo `i` is `/photo/{i}/{delay}` on the server (1280x960).
pub fn batch(base: &str, photos: usize, delay: Duration) -> Vec<PhotoUrl> {
    (0..photos)
        .map(|i| PhotoUrl {
            name: photo_name(i),
            url: format!("{base}/photo/{i}/{}", delay.as_millis()),
        })
        .collect()
}

/// Asks the server for one photo, so that it makes its large photos (on the first request)
/// before anything is measured.
pub fn warm_up(server: &local_server::LocalServer) {
    let client = local_server::client::blocking(Duration::from_secs(30)).expect("a client");
    let photo = client.get(server.url("/photo/0/0")).send();
    assert!(
        photo.is_ok_and(|r| r.status().is_success()),
        "the server serves photos"
    );
}

/// "photo-07": photos are numbered from 1 for people.
pub fn photo_name(index: usize) -> String {
    format!("photo-{:02}", index + 1)
}

/// A finished thumbnail, reduced to what the checks compare: its size and a checksum of its JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thumb {
    pub width: u32,
    pub height: u32,
    pub checksum: u64,
}

/// One photo finished: its index, and its thumbnail or why there is none.
pub type Done = (usize, Result<Thumb, String>);

/// FNV-1a over `bytes`: equal checksums mean equal thumbnails, down to the last byte.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The checksum of a whole batch, photo by photo in order; failed photos count as their index.
pub fn batch_checksum(done: &[Done]) -> u64 {
    let mut sorted: Vec<&Done> = done.iter().collect();
    sorted.sort_by_key(|(i, _)| *i);
    let mut bytes = Vec::new();
    for (i, thumb) in sorted {
        bytes.extend_from_slice(&(*i as u64).to_le_bytes());
        if let Ok(t) = thumb {
            bytes.extend_from_slice(&t.checksum.to_le_bytes());
        }
    }
    fnv(&bytes)
}

/// A multi-thread tokio runtime with exactly `workers` worker threads, timers and sockets on.
/// Dropping it ends its tasks and joins its blocking threads.
pub fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The async client, built once and shared (a clone shares its pool of connections).
pub fn client() -> reqwest::Client {
    local_server::client::asynchronous(Duration::from_secs(10)).expect("an async client")
}

/// Everything a way of wiring the batch needs, shared by its tasks and threads.
pub type Ctx = Arc<run::Shared>;
