//! Four ways to fetch a list of URLs, each keeping at most `limit` requests in flight.
//!
//! - [`blocking_loop`]: one request after the other, the `for url in urls: requests.get(url)`
//!   every article starts from.
//! - [`thread_pool`]: `limit` threads taking the next URL from a shared counter, each blocking on
//!   its request: Python's `ThreadPoolExecutor(max_workers=limit)` with `requests`.
//! - [`with_semaphore`]: one tokio task per URL, each waiting for one of `limit` permits before it
//!   sends: `asyncio.gather` over coroutines guarded by `asyncio.Semaphore(limit)`.
//! - [`buffered`]: a stream of request futures, at most `limit` polled at once
//!   (`buffer_unordered`): no tasks at all, one future drives them.
//!
//! Each returns one [`Done`] per URL it sent, in the order the responses arrived. The two with
//! blocking threads send nothing after a deadline (`until`); the two async ones are abandoned at
//! it by their caller (`batch::block_until`), since dropping a future cancels it.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use local_server::reqwest::{self, blocking};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// One URL finished: its index in the list, and its body's length or the error.
pub type Done = (usize, Result<usize, String>);

/// What a thread pool did: one [`Done`] per URL it sent, and how many of its threads the system
/// let it start (RLIMIT_NPROC or memory may refuse some) with the first refusal.
#[derive(Debug, Default)]
pub struct Pooled {
    pub done: Vec<Done>,
    pub threads: usize,
    pub refused: Option<String>,
}

/// Fetches one URL with the async client: the response's status checked, its body read.
pub async fn fetch(client: &reqwest::Client, url: &str) -> Result<usize, String> {
    let response = client.get(url).send().await.map_err(|e| describe(&e))?;
    let response = response.error_for_status().map_err(|e| describe(&e))?;
    let body = response.bytes().await.map_err(|e| describe(&e))?;
    Ok(body.len())
}

/// The same with the blocking client.
pub fn fetch_blocking(client: &blocking::Client, url: &str) -> Result<usize, String> {
    let response = client.get(url).send().map_err(|e| describe(&e))?;
    let response = response.error_for_status().map_err(|e| describe(&e))?;
    let body = response.bytes().map_err(|e| describe(&e))?;
    Ok(body.len())
}

/// An error with its causes: reqwest's own message says "error sending request"; the cause
/// below it says why ("Connection refused", "Too many open files").
pub fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

// ANCHOR: blocking_loop
impl From<Vec<Done>> for Pooled {
    /// The outcomes of a batch that started no threads of its own.
    fn from(done: Vec<Done>) -> Pooled {
        Pooled {
            done,
            ..Pooled::default()
        }
    }
}

/// One request at a time: each waits for the previous response. None is sent after `until`.
pub fn blocking_loop(client: &blocking::Client, urls: &[String], until: Instant) -> Vec<Done> {
    let mut done = Vec::with_capacity(urls.len());
    for (i, url) in urls.iter().enumerate() {
        if Instant::now() >= until {
            break; // the experiment's deadline: the URLs left are reported as not sent
        }
        done.push((i, fetch_blocking(client, url)));
    }
    done
}
// ANCHOR_END: blocking_loop

// ANCHOR: thread_pool
/// `limit` threads, each taking the next URL and blocking on its request, until none is left or
/// `until` has passed.
pub fn thread_pool(
    client: &blocking::Client,
    urls: &[String],
    limit: usize,
    until: Instant,
) -> Pooled {
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(urls.len()));
    let (mut threads, mut refused) = (0, None);
    std::thread::scope(|s| {
        for _ in 0..limit.min(urls.len()) {
            let worker = || {
                loop {
                    let i = next.fetch_add(1, Relaxed); // the next URL nobody has taken
                    let Some(url) = urls.get(i) else { break };
                    if Instant::now() >= until {
                        break;
                    }
                    let outcome = fetch_blocking(client, url); // this thread waits here
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, outcome));
                }
            };
            // spawn_scoped returns the error where s.spawn would panic (EAGAIN: RLIMIT_NPROC).
            match std::thread::Builder::new().spawn_scoped(s, worker) {
                Ok(_) => threads += 1,
                Err(error) => {
                    refused.get_or_insert(error.to_string());
                    break; // the threads that did start take every URL
                }
            }
        }
    }); // the scope joins every thread: none outlives the call
    let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    Pooled {
        done,
        threads,
        refused,
    }
}
// ANCHOR_END: thread_pool

// ANCHOR: with_semaphore
/// One task per URL; a task sends only once it holds one of `limit` permits, and keeps the permit
/// until the whole body has arrived.
pub async fn with_semaphore(client: &reqwest::Client, urls: &[String], limit: usize) -> Vec<Done> {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (client, url, permits) = (client.clone(), url.clone(), Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            (i, fetch(&client, &url).await) // _permit is dropped here, after the body
        });
    }
    let mut done = Vec::with_capacity(urls.len());
    while let Some(finished) = tasks.join_next().await {
        done.push(finished.expect("a fetch task panicked"));
    }
    done
}
// ANCHOR_END: with_semaphore

// ANCHOR: buffered
/// No tasks: a stream of request futures, of which `buffer_unordered` polls at most `limit`.
pub async fn buffered(client: &reqwest::Client, urls: &[String], limit: usize) -> Vec<Done> {
    futures_util::stream::iter(urls.iter().enumerate())
        .map(|(i, url)| async move { (i, fetch(client, url).await) })
        .buffer_unordered(limit)
        .collect()
        .await
}
// ANCHOR_END: buffered
