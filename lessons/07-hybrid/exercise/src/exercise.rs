// Lesson 07 exercise: edit this file, then check it with
//     cargo run -p lesson-07-exercise
// The hints are in the book, chapter "Hybrid", section "Exercises".

use lesson_07_exercise::{Failed, Photo, Thumbnail, download, make_thumbnail};
use reqwest::Client;

/// Workers making thumbnails: one per core of the machine the check runs on.
const WORKERS: usize = 2;

// ANCHOR: thumbnails
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
    let _ = max_photos; // TODO: use it (see below)
    let mut results = Vec::new();
    // Phase 1: download every photo. TODO: every photo waits here until the last one is in, so
    // they all sit in memory and no core makes a thumbnail meanwhile. Instead, download in a task
    // of its own (tokio::spawn) that hands each photo on through a bounded channel
    // (tokio::sync::mpsc::channel) as soon as it is in.
    let mut photos: Vec<Photo> = Vec::new();
    for url in &urls {
        match download(&client, url).await {
            Ok(photo) => photos.push(photo),
            Err(failed) => results.push(Err(failed)),
        }
    }
    // Phase 2: make every thumbnail, WORKERS at once, on blocking threads. TODO: let the
    // workers take photos from the channel (Receiver::blocking_recv) until it is closed, and
    // send back each thumbnail; collect them here until every worker is done.
    let mut shares: Vec<Vec<Photo>> = (0..WORKERS).map(|_| Vec::new()).collect();
    for (i, photo) in photos.into_iter().enumerate() {
        shares[i % WORKERS].push(photo);
    }
    let workers: Vec<_> = shares
        .into_iter()
        .map(|share| {
            tokio::task::spawn_blocking(move || {
                share.into_iter().map(make_thumbnail).collect::<Vec<_>>()
            })
        })
        .collect();
    for worker in workers {
        let made = worker.await.expect("a worker panicked");
        results.extend(made.into_iter().map(Ok));
    }
    results
}
// ANCHOR_END: thumbnails
