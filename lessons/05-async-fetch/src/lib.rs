//! # Lesson 05: fetching many URLs at once
//!
//! The Python articles fetch URLs with `aiohttp` under an `asyncio.Semaphore`, or with `requests`
//! in a `ThreadPoolExecutor`, and print tables of how long thousands of URLs take. This lesson does
//! the same in Rust with tokio and reqwest, against the [`local_server`] it starts itself on
//! 127.0.0.1, and measures it:
//!
//! 1. [`four_ways`]: a blocking loop, a thread pool, tasks behind a Semaphore and
//!    `buffer_unordered` ([`fetch`]), at several limits, against the ideal ceil(N / limit) x delay.
//! 2. [`arrival`]: the order responses arrive in, and a timeline of the requests in flight.
//! 3. [`no_limit`]: every request at once: descriptors, memory, and running out of them.
//! 4. [`memory`]: what a sleeping task and a sleeping thread cost in memory.
//! 5. [`failures`]: 500s, stalls and a refused host: one outcome per URL, retries with back-off.
//! 6. [`articles`]: the articles' table for 10,000 URLs, re-run with the ideal beside each row.
//!
//! [`batch`] runs one batch and counts it from both sides of the socket; [`server_cpu`] separates
//! the server's CPU time from the clients'.

use std::time::{Duration, Instant};

use local_server::reqwest;

pub mod arrival;
pub mod articles;
pub mod batch;
pub mod failures;
pub mod fetch;
pub mod four_ways;
pub mod limits;
pub mod memory;
pub mod no_limit;
pub mod server_cpu;

/// What the fetching experiments are asked to do.
#[derive(Debug, Clone)]
pub struct Setup {
    /// URLs in the batch.
    pub size: usize,
    /// The server's delay before each response.
    pub delay: Duration,
    /// The limits of requests in flight to try.
    pub limits: Vec<usize>,
    /// Worker threads of the tokio runtime.
    pub workers: usize,
    pub reps: usize,
    /// `--base-url`: fetch `/delay/{ms}` from this server instead of the local one.
    pub base_url: Option<String>,
}

/// Checks a `--base-url`: an `http://` URL without a trailing slash (no TLS stack is built).
pub fn base_url(text: &str) -> Result<String, String> {
    match reqwest::Url::parse(text) {
        Ok(url) if url.scheme() == "http" && url.host().is_some() => {
            Ok(text.trim_end_matches('/').to_string())
        }
        Ok(_) => Err("give an http:// URL with a host (this build has no TLS)".into()),
        Err(error) => Err(format!(
            "not a URL ({error}); give one such as http://127.0.0.1:8080"
        )),
    }
}

/// One async and one blocking client, each built once and reused for every request (a client
/// owns a pool of open connections), with no proxy and a timeout on every request.
pub fn clients(timeout: Duration) -> (reqwest::Client, reqwest::blocking::Client) {
    let client = local_server::client::asynchronous(timeout).expect("an async client");
    let blocking = local_server::client::blocking(timeout).expect("a blocking client");
    (client, blocking)
}

/// A multi-thread tokio runtime with exactly `workers` worker threads (never the default, one
/// per core), timers and sockets enabled. Dropping it ends every task still on it.
pub fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The longest an experiment may be expected to take: options whose least possible time (the
/// sum of its ideals) is longer are refused before anything runs.
pub const LONGEST_RUN: Duration = Duration::from_secs(15 * 60);

/// When an experiment whose least possible time is `lower_bound` gives up: three times that,
/// plus 30 s for a slow machine. Past it, no new request is sent and the URLs left are reported
/// as having no outcome, so a server that is down or slow never holds the lesson for ever.
pub fn deadline(lower_bound: Duration) -> Instant {
    Instant::now() + lower_bound * 3 + Duration::from_secs(30)
}
