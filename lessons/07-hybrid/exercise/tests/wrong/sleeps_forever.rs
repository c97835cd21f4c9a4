// Hostile or stuck: the function never returns (a blocking sleep of an hour).

use std::sync::{Arc, Mutex};

use lesson_07_exercise::{Failed, Photo, Thumbnail, download, make_thumbnail};
use reqwest::Client;
use tokio::sync::mpsc;

/// Workers making thumbnails: one per core of the machine the check runs on.
const WORKERS: usize = 2;

/// Downloads every photo of `urls` and makes its thumbnail; returns one result per URL, in any
/// order: its thumbnail, or the `Failed` its download ended in.
/// - `make_thumbnail` is CPU work: it must not run in an async task (it would stop them all);
/// - at most `max_photos` photos in memory at once: a `Photo` counts from its download until
///   `make_thumbnail` has used it (or it is dropped).
pub async fn thumbnails(
    client: Client,
    urls: Vec<String>,
    max_photos: usize,
) -> Vec<Result<Thumbnail, Failed>> {
    std::thread::sleep(std::time::Duration::from_secs(3600));

    // Photos held at once: those queued, one in each worker's hands, one waiting to be sent.
    let queued = max_photos.saturating_sub(WORKERS + 1).max(1);
    let (photos, queue) = mpsc::channel::<Photo>(queued);
    // Results are small: room for all of them, so no stage ever waits on this one.
    let (results, mut collected) = mpsc::channel(urls.len().max(1));

    let downloader = tokio::spawn(download_each(client, urls, photos, results.clone()));
    let queue = Arc::new(Mutex::new(queue));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (queue, results) = (Arc::clone(&queue), results.clone());
            tokio::task::spawn_blocking(move || make_each(&queue, &results))
        })
        .collect();
    // Only the stages hold senders now: the loop below ends when the last stage has ended.
    drop(results);

    let mut all = Vec::new();
    while let Some(result) = collected.recv().await {
        all.push(result);
    }
    downloader.await.expect("the downloader panicked");
    for worker in workers {
        worker.await.expect("a worker panicked");
    }
    all
}

/// The download stage, an async task: each photo goes into the bounded queue as soon as it is
/// in; `send` waits while the queue is full, and that wait is what bounds the photos in memory.
async fn download_each(
    client: Client,
    urls: Vec<String>,
    photos: mpsc::Sender<Photo>,
    results: mpsc::Sender<Result<Thumbnail, Failed>>,
) {
    for url in urls {
        match download(&client, &url).await {
            Ok(photo) => photos.send(photo).await.expect("the workers never stop early"),
            Err(failed) => results.send(Err(failed)).await.expect("the collector waits"),
        }
    }
    // Dropping `photos` here closes the queue: each worker ends once it is empty.
}

/// The CPU stage, on a blocking thread: takes the next photo until the queue is closed and
/// empty. The lock is held only while waiting for a photo, never while making a thumbnail.
fn make_each(
    queue: &Mutex<mpsc::Receiver<Photo>>,
    results: &mpsc::Sender<Result<Thumbnail, Failed>>,
) {
    loop {
        let next = queue.lock().expect("no worker panics holding it").blocking_recv();
        let Some(photo) = next else { return };
        let made = make_thumbnail(photo);
        results.blocking_send(Ok(made)).expect("the collector waits");
    }
}
