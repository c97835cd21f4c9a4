//! One batch of requests, run and counted from both sides of the socket.
//!
//! The client side says which URLs were fetched; the [`LocalServer`] says how many requests it
//! had in flight at once, so a limit is proven from the other side of the socket, not taken on
//! trust. The server's own CPU time and the memory the run added are noted beside them. Every
//! experiment that runs a batch and judges it (the four ways, the articles' table) counts it here.

use std::time::{Duration, Instant};

use lesson_kit::measure::{rss_added_since, rss_baseline};
use local_server::LocalServer;

use crate::fetch::{Done, Pooled};
use crate::server_cpu::server_cpu;

/// What one run of one way did, seen from both sides.
#[derive(Debug, Clone)]
pub struct Batch {
    pub ok: usize,
    pub first_error: Option<String>,
    /// The most requests the server had in flight at once during the run.
    pub server_peak: u64,
    /// CPU time the server's thread used during the run, to subtract from the process's.
    pub server_cpu: Duration,
    /// How far the run raised the process's resident memory above where it started.
    pub rss_added: Option<u64>,
    /// A thread pool's threads the system refused to start, and why.
    pub threads_refused: Option<String>,
}

/// Runs an async batch on `tokio`, abandoning it at `until`: the batch's future is dropped, and
/// with it its tasks (a `JoinSet` aborts them when dropped), and [`counted`] reports the URLs
/// that have no outcome.
pub fn block_until(
    tokio: &tokio::runtime::Runtime,
    until: Instant,
    batch: impl Future<Output = Vec<Done>>,
) -> Pooled {
    let done = tokio.block_on(async {
        (tokio::time::timeout_at(until.into(), batch).await).unwrap_or_default()
    });
    Pooled::from(done)
}

/// Runs `fetch` of `n` URLs against a server whose counts start afresh, and notes what the server
/// saw. A URL without an outcome (the deadline passed, no thread could start) is an error.
pub fn counted(server: &LocalServer, n: usize, fetch: impl FnOnce() -> Pooled) -> Batch {
    server.reset_stats();
    let rss = rss_baseline();
    let cpu_before = server_cpu();
    let pooled = fetch();
    let stats = server.stats();
    let server_cpu = server_cpu().saturating_sub(cpu_before);
    let done = &pooled.done;
    let missing = (done.len() < n).then(|| {
        let why = pooled
            .refused
            .as_deref()
            .map_or("the experiment's deadline passed".to_string(), |e| {
                format!("no thread could take them ({e})")
            });
        format!("{} of {n} URLs have no outcome: {why}", n - done.len())
    });
    Batch {
        ok: done.iter().filter(|(_, r)| r.is_ok()).count(),
        first_error: missing.or_else(|| done.iter().find_map(|(_, r)| r.clone().err())),
        server_peak: stats.peak_in_flight,
        server_cpu,
        rss_added: rss_added_since(rss),
        threads_refused: pooled.refused.clone(),
    }
}
