// A plausible wrong answer: the two phases in small batches. Download `max_photos` photos, make
// their thumbnails on two blocking threads, then the next batch: never more than `max_photos` in
// memory, but the cores wait while a batch downloads, and the downloads wait while the cores
// work, so the whole takes as long as the two phases. The runner sees that no download was ever
// in flight while a thumbnail was made, whatever the machine's load.

use lesson_07_exercise::{Failed, Thumbnail, download, make_thumbnail};
use reqwest::Client;

/// Downloads every photo of `urls` and makes its thumbnail; returns one result per URL, in any
/// order: its thumbnail, or the `Failed` its download ended in.
pub async fn thumbnails(
    client: Client,
    urls: Vec<String>,
    max_photos: usize,
) -> Vec<Result<Thumbnail, Failed>> {
    let mut results = Vec::new();
    for batch in urls.chunks(max_photos.max(1)) {
        let mut photos = Vec::new();
        for url in batch {
            match download(&client, url).await {
                Ok(photo) => photos.push(photo),
                Err(failed) => results.push(Err(failed)),
            }
        }
        let second = photos.split_off(photos.len().div_ceil(2));
        let workers = [photos, second].map(|share| {
            tokio::task::spawn_blocking(move || {
                share.into_iter().map(make_thumbnail).collect::<Vec<_>>()
            })
        });
        for worker in workers {
            let made = worker.await.expect("a worker panicked");
            results.extend(made.into_iter().map(Ok));
        }
    }
    results
}
