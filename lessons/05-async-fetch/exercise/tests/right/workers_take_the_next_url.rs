// A correct alternative without a semaphore: `limit` worker tasks, each taking the next URL
// not yet taken until none is left, so never more than `limit` requests are in flight. Each
// report goes back through a channel with its URL's place. The back-off has a little jitter
// (deterministic, from the URL) on top of the doubling wait.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lesson_05_exercise::{FIRST_BACKOFF, MAX_ATTEMPTS, Outcome, Report};
use reqwest::Client;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

pub async fn fetch_all(client: Client, urls: Vec<String>, limit: usize) -> Vec<Report> {
    let urls = Arc::new(urls);
    let next = Arc::new(AtomicUsize::new(0));
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let mut workers = JoinSet::new();
    for _ in 0..limit.min(urls.len()) {
        let (client, urls, next, sender) =
            (client.clone(), urls.clone(), next.clone(), sender.clone());
        workers.spawn(async move {
            loop {
                let place = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(place) else { break };
                let outcome = with_retries(&client, url).await;
                let _ = sender.send((place, outcome));
            }
        });
    }
    drop(sender);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; urls.len()];
    while let Some((place, outcome)) = receiver.recv().await {
        outcomes[place] = Some(outcome);
    }
    while workers.join_next().await.is_some() {}
    outcomes
        .into_iter()
        .zip(urls.iter())
        .map(|(outcome, url)| Report {
            url: url.clone(),
            outcome: outcome.unwrap_or_else(|| Outcome::Error("its worker panicked".into())),
        })
        .collect()
}

async fn with_retries(client: &Client, url: &str) -> Outcome {
    let jitter = Duration::from_millis(url.len() as u64 % 7);
    let mut wait = FIRST_BACKOFF;
    let mut outcome = once(client, url).await;
    for _ in 1..MAX_ATTEMPTS {
        if !outcome.is_transient() {
            break;
        }
        tokio::time::sleep(wait + jitter).await;
        wait *= 2;
        outcome = once(client, url).await;
    }
    outcome
}

async fn once(client: &Client, url: &str) -> Outcome {
    let response = match client.get(url).send().await {
        Ok(response) => response,
        Err(error) => return Outcome::Error(error.to_string()),
    };
    let status = response.status();
    if !status.is_success() {
        return Outcome::Status(status.as_u16());
    }
    match response.bytes().await {
        Ok(body) => Outcome::Body(body.len()),
        Err(error) => Outcome::Error(error.to_string()),
    }
}
