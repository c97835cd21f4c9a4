// Lesson 05 exercise: edit this file, then check it with
//     cargo run -p lesson-05-exercise
// The hints are in the book, chapter "Async fetch", section "Exercises".

use lesson_05_exercise::{Outcome, Report};
use reqwest::Client;

// ANCHOR: fetch_all
/// Fetches every URL and returns one report per URL, in the order of `urls`:
/// - at most `limit` requests in flight at once, a request counting until its body is read;
/// - an outcome that `is_transient()` (a 5xx) is retried, up to `MAX_ATTEMPTS` attempts in all,
///   waiting `FIRST_BACKOFF` before the first retry and twice as long before each next one;
/// - every URL ends with exactly one outcome: an error is an outcome too.
pub async fn fetch_all(client: Client, urls: Vec<String>, limit: usize) -> Vec<Report> {
    let _ = limit; // TODO: use it (see below)
    let mut reports = Vec::new();
    for url in urls {
        // TODO: one URL at a time leaves the others waiting for nothing. Fetch each URL in a
        // task of its own (tokio::task::JoinSet), at most `limit` at once
        // (tokio::sync::Semaphore), and put each report back at its URL's place.
        let outcome = fetch_once(&client, &url).await;
        // TODO: retry an outcome that `is_transient()`, sleeping between attempts
        // (tokio::time::sleep) for FIRST_BACKOFF, then twice as long each time.
        reports.push(Report { url, outcome });
    }
    reports
}
// ANCHOR_END: fetch_all

// ANCHOR: fetch_once
/// One attempt: the status, and for a 2xx answer the whole body, read.
async fn fetch_once(client: &Client, url: &str) -> Outcome {
    match client.get(url).send().await {
        Err(error) => Outcome::Error(error.to_string()),
        Ok(response) if !response.status().is_success() => {
            Outcome::Status(response.status().as_u16())
        }
        Ok(response) => match response.bytes().await {
            Ok(body) => Outcome::Body(body.len()),
            Err(error) => Outcome::Error(error.to_string()),
        },
    }
}
// ANCHOR_END: fetch_once
