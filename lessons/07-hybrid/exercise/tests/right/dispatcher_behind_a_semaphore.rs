// A correct alternative: one bounded channel from the downloader to a dispatcher task, which
// starts each thumbnail on a blocking thread once one of WORKERS permits is free. It takes the
// permit *before* it takes a photo from the queue, so it never holds one while it waits. Photos
// held: those queued, those being made (one per permit), and the one the downloader waits to
// send.

use std::sync::Arc;

use lesson_07_exercise::{Failed, Photo, Thumbnail, download, make_thumbnail};
use reqwest::Client;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

const WORKERS: usize = 2;

/// Downloads every photo of `urls` and makes its thumbnail; returns one result per URL, in any
/// order: its thumbnail, or the `Failed` its download ended in.
pub async fn thumbnails(
    client: Client,
    urls: Vec<String>,
    max_photos: usize,
) -> Vec<Result<Thumbnail, Failed>> {
    let queued = max_photos.saturating_sub(WORKERS + 1).max(1);
    let (photos, mut queue) = mpsc::channel::<Photo>(queued);
    let downloader = tokio::spawn(async move {
        let mut failures = Vec::new();
        for url in urls {
            match download(&client, &url).await {
                Ok(photo) => photos.send(photo).await.expect("the dispatcher waits"),
                Err(failed) => failures.push(Err(failed)),
            }
        }
        failures
    });
    let cores = Arc::new(Semaphore::new(WORKERS));
    let mut making = JoinSet::new();
    loop {
        let permit = Arc::clone(&cores)
            .acquire_owned()
            .await
            .expect("never closed");
        let Some(photo) = queue.recv().await else {
            break;
        };
        making.spawn_blocking(move || {
            let made = make_thumbnail(photo);
            drop(permit);
            made
        });
    }
    let mut results = downloader.await.expect("the downloader panicked");
    while let Some(made) = making.join_next().await {
        results.push(Ok(made.expect("a thumbnail's task panicked")));
    }
    results
}
