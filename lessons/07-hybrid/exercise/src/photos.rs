//! What the answer works with: a [`Photo`] that only [`download`] makes, the CPU work
//! [`make_thumbnail`] that consumes it, and the counts the runner reads afterwards.
//!
//! A photo is alive from the moment its body has been read until it is dropped (by
//! [`make_thumbnail`], when the thumbnail is done, or by the answer). The counts live here, out of
//! the answer's reach: it can neither make a photo without downloading it nor forge a thumbnail.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread::ThreadId;
use std::time::Instant;

use lesson_04_process_pool::thumbnails::thumbnail_in;
use lesson_kit::exercise::submission::content_hash;
use serde::{Deserialize, Serialize};

use crate::spans;

/// Photos alive now, and the most alive at once since the last [`reset`].
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Thumbnails made, and how many of them on the runtime's own thread.
static MADE: AtomicUsize = AtomicUsize::new(0);
static ON_RUNTIME: AtomicUsize = AtomicUsize::new(0);
/// The thread that runs the runtime's tasks (the runner's, in `block_on`).
static RUNTIME_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);

// ANCHOR: photo
/// A downloaded photo, its JPEG bytes in memory. Only [`download`] makes one; it stays in memory
/// until [`make_thumbnail`] has used it, or until it is dropped.
#[derive(Debug)]
pub struct Photo {
    url: String,
    jpeg: Vec<u8>,
}

/// A download that failed: the URL and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    pub url: String,
    pub why: String,
}
// ANCHOR_END: photo

impl Photo {
    fn new(url: String, jpeg: Vec<u8>) -> Photo {
        let now = ALIVE.fetch_add(1, SeqCst) + 1;
        PEAK.fetch_max(now, SeqCst);
        Photo { url, jpeg }
    }

    /// The URL it was downloaded from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.jpeg.len()
    }

    /// Never true for a photo the server sent, but clippy asks for it beside `len`.
    pub fn is_empty(&self) -> bool {
        self.jpeg.is_empty()
    }
}

impl Drop for Photo {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, SeqCst);
    }
}

/// A finished thumbnail: which photo it is of, its size, and a checksum of its JPEG bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Thumbnail {
    url: String,
    width: u32,
    height: u32,
    checksum: u64,
}

impl Thumbnail {
    /// The URL of the photo it was made from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// FNV-1a of its JPEG bytes: the same photo always gives the same checksum.
    pub fn checksum(&self) -> u64 {
        self.checksum
    }
}

// ANCHOR: download
/// Downloads one photo: waits for the server (an `.await`, cheap), reads the whole body. A status
/// other than 2xx, a refused connection or a timeout is a [`Failed`].
pub async fn download(client: &reqwest::Client, url: &str) -> Result<Photo, Failed> {
    let started = Instant::now();
    let photo = fetch(client, url).await;
    spans::record(started, true);
    photo
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Photo, Failed> {
    let failed = |why: String| Failed {
        url: url.to_string(),
        why,
    };
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("status {}", response.status().as_u16())));
    }
    let body = response.bytes().await.map_err(|e| failed(e.to_string()))?;
    Ok(Photo::new(url.to_string(), body.to_vec()))
}
// ANCHOR_END: download

// ANCHOR: make_thumbnail
/// Makes the thumbnail of a photo with lesson 04's function, as the lesson does (JPEG decode, fit
/// in 160 x 160 with a Lanczos filter, JPEG encode): milliseconds of CPU work that never awaits.
/// The photo leaves memory when the thumbnail is done.
pub fn make_thumbnail(photo: Photo) -> Thumbnail {
    let made = watched(|| thumbnail_in(&photo.jpeg, THUMBNAIL_BOX, &mut || {}));
    Thumbnail::of(&photo, made)
}
// ANCHOR_END: make_thumbnail

/// The thumbnails fit in this square, as in the lesson: small, as on a photo site's index page.
pub const THUMBNAIL_BOX: u32 = 160;

/// Runs the thumbnail work, noting when it ran, and whether on the runtime's own thread.
fn watched<T>(work: impl FnOnce() -> T) -> T {
    let here = std::thread::current().id();
    if *RUNTIME_THREAD.lock().unwrap_or_else(|p| p.into_inner()) == Some(here) {
        ON_RUNTIME.fetch_add(1, SeqCst);
    }
    let started = Instant::now();
    let made = work();
    MADE.fetch_add(1, SeqCst);
    spans::record(started, false);
    made
}

impl Thumbnail {
    fn of(
        photo: &Photo,
        made: Result<lesson_04_process_pool::thumbnails::Thumbnail, String>,
    ) -> Thumbnail {
        let (width, height, checksum) = match made {
            Ok(t) => (t.width, t.height, content_hash(&t.jpeg)),
            // The server only sends JPEGs; a photo that is not one gets an empty thumbnail.
            Err(_) => (0, 0, 0),
        };
        Thumbnail {
            url: photo.url.clone(),
            width,
            height,
            checksum,
        }
    }
}

/// The runner's counts of one batch.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Counts {
    /// The most photos in memory at once.
    pub peak_photos: usize,
    /// Photos still in memory when the answer returned (kept, or forgotten).
    pub photos_left: usize,
    pub thumbnails_made: usize,
    /// Thumbnails made on the runtime's own thread, where they stop every task meanwhile.
    pub made_on_runtime: usize,
    /// The share of the thumbnails' time during which a download was in flight too.
    pub overlap: f64,
}

/// Starts counting afresh; `runtime` is the thread that will run the answer's tasks.
pub(crate) fn reset(runtime: ThreadId) {
    *RUNTIME_THREAD.lock().unwrap_or_else(|p| p.into_inner()) = Some(runtime);
    let alive = ALIVE.load(SeqCst);
    PEAK.store(alive, SeqCst);
    MADE.store(0, SeqCst);
    ON_RUNTIME.store(0, SeqCst);
    spans::reset();
}

/// The counts since the last [`reset`].
pub(crate) fn counts() -> Counts {
    Counts {
        peak_photos: PEAK.load(SeqCst),
        photos_left: ALIVE.load(SeqCst),
        thumbnails_made: MADE.load(SeqCst),
        made_on_runtime: ON_RUNTIME.load(SeqCst),
        overlap: spans::overlap(),
    }
}

/// For the judge: a photo from bytes it fetched itself, to time the work and learn the checksums.
pub(crate) fn photo_for_the_judge(url: String, jpeg: Vec<u8>) -> Photo {
    Photo::new(url, jpeg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The only test that touches the counts: tests run in parallel, the counts are global.
    #[test]
    fn photos_are_counted_alive_from_download_to_thumbnail() {
        reset(std::thread::current().id());
        let photo = |n: u8| Photo::new(format!("photo {n}"), vec![n; 10]);
        let (a, b, c) = (photo(1), photo(2), photo(3));
        assert_eq!(counts().peak_photos, 3);
        drop((a, b));
        let d = photo(4);
        assert_eq!((counts().peak_photos, counts().photos_left), (3, 2));
        // Not a JPEG: an empty thumbnail, made on the thread named as the runtime's.
        let made = make_thumbnail(c);
        assert_eq!((made.size(), made.checksum()), ((0, 0), 0));
        let counts = counts();
        assert_eq!((counts.photos_left, counts.thumbnails_made), (1, 1));
        assert_eq!(counts.made_on_runtime, 1);
        drop(d);
    }
}
