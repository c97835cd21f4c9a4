//! Experiment 3: failure is normal. Every URL ends with exactly one outcome.
//!
//! A batch mixes what a real crawl meets: a flaky service (`/flaky/30/...` answers 503 to about
//! 30% of attempts, deterministically, so runs repeat), a permanent 500, requests that stall past
//! the client's timeout, and a host that refuses connections. Each URL's future returns an
//! [`Outcome`] instead of failing the batch, so none can be lost; transient outcomes (503, a
//! timeout, a refused connection) are retried after an exponential back-off with jitter. The
//! jitter is a hash of the URL and the attempt instead of a random number, so the run repeats.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};
use local_server::{LocalServer, reqwest};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::{clients, runtime};

/// Each attempt's deadline: far above what the server's quick routes need, far below `/stall`.
pub const TIMEOUT: Duration = Duration::from_millis(250);
/// The first back-off; each retry waits twice as long as the one before, plus jitter.
pub const BACKOFF: Duration = Duration::from_millis(20);
/// Attempts per URL when retrying.
pub const MAX_ATTEMPTS: u32 = 3;
/// Requests in flight at once.
pub const LIMIT: usize = 10;

/// How one URL ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok,
    Status(u16),
    Timeout,
    ConnectionError,
}

impl Outcome {
    pub fn describe(self) -> String {
        match self {
            Outcome::Ok => "ok (200, body read)".into(),
            Outcome::Status(code) => format!("HTTP {code}"),
            Outcome::Timeout => format!("timed out ({} ms)", TIMEOUT.as_millis()),
            Outcome::ConnectionError => "connection error".into(),
        }
    }
}

/// What happened to one URL: its last outcome and how many attempts it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    pub outcome: Outcome,
    pub attempts: u32,
}

// ANCHOR: attempt
/// One attempt, whatever happens, as an [`Outcome`]: an error is a value, never a panic.
pub async fn attempt(client: &reqwest::Client, url: &str) -> Outcome {
    let error = match client.get(url).send().await {
        Ok(response) if !response.status().is_success() => {
            return Outcome::Status(response.status().as_u16());
        }
        Ok(response) => match response.bytes().await {
            Ok(_) => return Outcome::Ok,
            Err(error) => error,
        },
        Err(error) => error,
    };
    if error.is_timeout() {
        Outcome::Timeout
    } else {
        Outcome::ConnectionError
    }
}
// ANCHOR_END: attempt

// ANCHOR: with_retries
/// Retries transient outcomes (503, timeout, connection error) after an exponential back-off.
pub async fn with_retries(client: &reqwest::Client, url: &str, key: u64, max: u32) -> Ended {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let outcome = attempt(client, url).await;
        let transient = matches!(
            outcome,
            Outcome::Status(503) | Outcome::Timeout | Outcome::ConnectionError
        );
        if !transient || attempts >= max {
            return Ended { outcome, attempts };
        }
        tokio::time::sleep(backoff(key, attempts)).await;
    }
}

/// BACKOFF x 2^(attempt - 1), plus up to as much again of jitter, so that URLs that failed
/// together do not all retry at the same moment. The jitter is a hash, not a random number.
pub fn backoff(key: u64, attempt: u32) -> Duration {
    let base = BACKOFF * 2u32.pow(attempt - 1);
    let hash = (key ^ u64::from(attempt) << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    base + base.mul_f64((hash % 1000) as f64 / 1000.0)
}
// ANCHOR_END: with_retries

/// The batch: which URLs, and what each stands for.
pub fn batch(server: &LocalServer, refused: &str) -> Vec<(String, &'static str)> {
    let mut urls = Vec::new();
    for i in 0..20 {
        urls.push((
            server.url(&format!("/flaky/30/url-{i}")),
            "flaky (503 for ~30%)",
        ));
    }
    for _ in 0..4 {
        urls.push((server.url("/status/500"), "a permanent 500"));
    }
    for _ in 0..2 {
        urls.push((server.url("/stall"), "a stall past the timeout"));
    }
    for _ in 0..2 {
        urls.push((format!("{refused}/delay/1"), "a refused connection"));
    }
    for _ in 0..2 {
        urls.push((server.url("/delay/20"), "a healthy 20 ms"));
    }
    urls
}

// ANCHOR: every_url_once
/// Fetches every URL with at most [`LIMIT`] in flight; slot `i` of the result is URL `i`'s
/// outcome, filled exactly once (`None` would be a URL lost).
pub async fn fetch_all(client: &reqwest::Client, urls: &[String], max: u32) -> Vec<Option<Ended>> {
    let permits = Arc::new(Semaphore::new(LIMIT));
    let mut tasks = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (client, url, permits) = (client.clone(), url.clone(), Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("never closed");
            (i, with_retries(&client, &url, i as u64, max).await)
        });
    }
    let mut ended = vec![None; urls.len()];
    while let Some(joined) = tasks.join_next().await {
        let (i, outcome) = joined.expect("a fetch task panicked");
        assert!(ended[i].replace(outcome).is_none(), "URL {i} ended twice");
    }
    ended
}
// ANCHOR_END: every_url_once

/// Shows a batch with failures ending with one outcome per URL, counts that add up, and retries
/// rescuing the transient failures.
pub fn failures(workers: usize) -> Section {
    let server = LocalServer::start().expect("the local server starts");
    let refused = local_server::refused_url().expect("a free port");
    let batch = batch(&server, &refused);
    let urls: Vec<String> = batch.iter().map(|(url, _)| url.clone()).collect();
    let mut section = Section::new("failures", "Failure is normal").about(&format!(
        "{} URLs: 20 on a flaky route that answers 503 to about 30% of attempts, 4 that answer \
         500, 2 that stall past the {} ms timeout, 2 on a port where nothing listens, 2 healthy \
         ones; at most {LIMIT} in flight. Once with one attempt each, once retrying 503s, \
         timeouts and connection errors up to {MAX_ATTEMPTS} attempts with exponential back-off.",
        urls.len(),
        TIMEOUT.as_millis()
    ));
    let (client, blocking) = clients(TIMEOUT);
    drop(blocking);
    let tokio = runtime(workers);
    let mut runs = Vec::new();
    for max in [1, MAX_ATTEMPTS] {
        server.reset_stats(); // /flaky forgets its attempts: both runs meet the same failures
        let started = Instant::now();
        let ended = tokio.block_on(fetch_all(&client, &urls, max));
        runs.push((max, ended, started.elapsed()));
    }
    drop(client);
    drop(tokio); // ends every task left on the runtime, reqwest's connection tasks included
    let settled = wait_until_idle(&server);

    let kinds = {
        let mut kinds: Vec<Outcome> = runs
            .iter()
            .flat_map(|(_, ended, _)| ended.iter().flatten().map(|e| e.outcome))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    for (max, ended, _) in &runs {
        let counted: usize = kinds
            .iter()
            .map(|k| ended.iter().flatten().filter(|e| e.outcome == *k).count())
            .sum();
        section.check(
            ended.iter().all(Option::is_some) && counted == urls.len(),
            phrase!(
                "{} attempt(s) at most: every one of the {} URLs ended with exactly one outcome; \
                 the counts below add up to {}",
                *max,
                urls.len(),
                counted
            ),
        );
    }
    section.check(
        settled,
        "afterwards the server had no request in flight: no task was left waiting on a socket",
    );
    let mut table = Table::new(&[
        ("outcome", "outcome"),
        ("once", "one attempt"),
        ("retried", "with retries"),
        ("attempts", "attempts made"),
    ]);
    for kind in &kinds {
        let count = |ended: &[Option<Ended>]| {
            ended
                .iter()
                .flatten()
                .filter(|e| e.outcome == *kind)
                .count()
        };
        let attempts: u32 = runs[1]
            .1
            .iter()
            .flatten()
            .filter(|e| e.outcome == *kind)
            .map(|e| e.attempts)
            .sum();
        table.row(vec![
            kind.describe().into(),
            count(&runs[0].1).into(),
            count(&runs[1].1).into(),
            attempts.into(),
        ]);
    }
    section.table("Outcomes per URL (the last attempt's), in each run", table);
    section.result(phrase!(
        "Wall time: {} with one attempt each, {} with retries.",
        Measured::Time(runs[0].2),
        Measured::Time(runs[1].2)
    ));
    let of = |run: usize, kind: Outcome| {
        runs[run]
            .1
            .iter()
            .flatten()
            .filter(|e| e.outcome == kind)
            .count()
    };
    let unchanged = [
        Outcome::Status(500),
        Outcome::Timeout,
        Outcome::ConnectionError,
    ]
    .iter()
    .all(|&kind| of(0, kind) == of(1, kind));
    let (once, retried) = (of(0, Outcome::Status(503)), of(1, Outcome::Status(503)));
    section.check(
        unchanged && (once == 0 || 2 * retried <= once),
        phrase!(
            "Retries turned most 503s ({} of {}) and nothing else into successes: the 500s, \
             timeouts and connection errors are as many as with one attempt.",
            Measured::Count((once - retried.min(once)) as u64),
            Measured::Count(once as u64)
        ),
    );
    section.verdict(
        "No URL was lost and none counted twice: each future returns an outcome instead of an \
         error that could end the batch. A 500 is not retried, a stall times out each time, a \
         refused port stays refused.",
    );
    section
}

/// Waits up to a second for the server to see every abandoned request go.
fn wait_until_idle(server: &LocalServer) -> bool {
    let deadline = Instant::now() + Duration::from_secs(1);
    while server.stats().in_flight > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.stats().in_flight == 0
}
