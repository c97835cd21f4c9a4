// A plausible wrong answer: a bounded pipeline whose CPU stage is an async task
// (tokio::spawn) calling make_thumbnail: while a thumbnail is made, the runtime's one thread runs
// nothing else, so downloads stop and every other task waits.

use lesson_07_exercise::{Failed, Photo, Thumbnail, download, make_thumbnail};
use reqwest::Client;
use tokio::sync::mpsc;

/// Photos one worker holds: the one it is making.
const WORKERS: usize = 1;

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
    // Photos held at once: those queued, one in each worker's hands, one waiting to be sent.
    let queued = max_photos.saturating_sub(WORKERS + 1).max(1);
    let (photos, queue) = mpsc::channel::<Photo>(queued);
    // Results are small: room for all of them, so no stage ever waits on this one.
    let (results, mut collected) = mpsc::channel(urls.len().max(1));

    let downloader = tokio::spawn(download_each(client, urls, photos, results.clone()));
    // The CPU stage as a task too: it looks concurrent, but it runs on the runtime's thread.
    let workers = vec![tokio::spawn(make_each(queue, results.clone()))];
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
            Ok(photo) => photos
                .send(photo)
                .await
                .expect("the workers never stop early"),
            Err(failed) => results
                .send(Err(failed))
                .await
                .expect("the collector waits"),
        }
    }
    // Dropping `photos` here closes the queue: each worker ends once it is empty.
}

/// The CPU stage, as an async task: takes the next photo until the queue is closed and empty.
async fn make_each(
    mut queue: mpsc::Receiver<Photo>,
    results: mpsc::Sender<Result<Thumbnail, Failed>>,
) {
    while let Some(photo) = queue.recv().await {
        let made = make_thumbnail(photo);
        results.send(Ok(made)).await.expect("the collector waits");
    }
}
