// A correct alternative without channels between the stages: a permit of a semaphore of
// `max_photos` is taken before each download and travels with the photo into its blocking task,
// to be given back once the thumbnail is made. The downloads wait for a permit, so at most
// `max_photos` photos are ever in memory; the CPU work runs on tokio's blocking threads.

use std::sync::Arc;

use lesson_07_exercise::{Failed, Thumbnail, download, make_thumbnail};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Downloads every photo of `urls` and makes its thumbnail; returns one result per URL, in any
/// order: its thumbnail, or the `Failed` its download ended in.
pub async fn thumbnails(
    client: Client,
    urls: Vec<String>,
    max_photos: usize,
) -> Vec<Result<Thumbnail, Failed>> {
    let in_memory = Arc::new(Semaphore::new(max_photos));
    let mut making = JoinSet::new();
    let mut results = Vec::new();
    for url in urls {
        let permit = Arc::clone(&in_memory)
            .acquire_owned()
            .await
            .expect("never closed");
        match download(&client, &url).await {
            Ok(photo) => {
                making.spawn_blocking(move || {
                    let made = make_thumbnail(photo);
                    drop(permit);
                    made
                });
            }
            Err(failed) => results.push(Err(failed)),
        }
    }
    while let Some(made) = making.join_next().await {
        results.push(Ok(made.expect("a thumbnail's task panicked")));
    }
    results
}
