//! Experiment 1: N URLs, one fixed server delay, four ways, at several limits.
//!
//! Every request waits `delay` on the server, so with `limit` requests in flight the batch cannot
//! take less than ceil(N / limit) x delay: that is the ideal each way is judged against. The
//! server counts the most requests it had in flight at once, so a limit is proven from the other
//! side of the socket, not taken on trust. CPU time per request is the process's CPU time during
//! the run minus the server thread's, divided by N: what the client side cost.
//!
//! This file is the experiment, top to bottom. What it prints after the runs is in three parts, in
//! the order the report shows them: `checks` (the exact facts), `table` (the measurements, medians
//! over the runs) and `verdicts` (what they mean, in words). Each run is counted by
//! [`crate::batch`].

mod checks;
mod table;
mod verdicts;

use std::time::Duration;

use lesson_kit::measure::{Runs, Variant, interleaved_probed};
use lesson_kit::value::format_seconds;
use lesson_kit::{Section, phrase};
use local_server::LocalServer;

use self::{checks::check, table::table, verdicts::verdicts};
use crate::batch::{Batch, block_until, counted};
use crate::fetch::{Pooled, blocking_loop, buffered, thread_pool, with_semaphore};
use crate::{Setup, clients, deadline, runtime};

/// The blocking loop is left out when it would take longer than this (N x delay).
pub const LOOP_BUDGET: Duration = Duration::from_secs(5);

/// The least time the experiment can take with these options: every way's ideal, every run.
pub fn lower_bound(setup: &Setup) -> Duration {
    let (n, delay) = (setup.size, setup.delay);
    let rounds: usize = setup.limits.iter().map(|&l| 3 * n.div_ceil(l)).sum();
    let looped = if delay * n as u32 <= LOOP_BUDGET {
        n
    } else {
        0
    };
    delay.mul_f64(((rounds + looped) * setup.reps) as f64) // no u32 to overflow
}

/// The ideal wall time with `limit` requests in flight: ceil(N / limit) rounds of `delay`.
pub fn ideal(size: usize, limit: usize, delay: Duration) -> Duration {
    delay * size.div_ceil(limit) as u32
}

/// Shows that a limit of L requests in flight brings the batch close to ceil(N / L) x delay with
/// threads and with tasks alike, and what each costs in CPU time and memory.
pub fn four_ways(setup: &Setup) -> Section {
    let (n, delay) = (setup.size, setup.delay);
    let mut section = Section::new("four-ways", "N URLs, four ways").about(&format!(
        "{n} URLs on the local server, each answered after {} ms: a blocking loop, a pool of \
         threads with the blocking client, tokio tasks behind a Semaphore, and buffer_unordered, \
         at each limit of requests in flight. The ideal is ceil(N / limit) x delay.",
        delay.as_millis()
    ));
    let server = LocalServer::start().expect("the local server starts");
    // `--base-url` sends the requests elsewhere; then the local server counts nothing.
    let base = setup.base_url.clone().unwrap_or_else(|| server.base_url());
    let urls: Vec<String> = (0..n)
        .map(|_| format!("{base}/delay/{}", delay.as_millis()))
        .collect();
    let (client, blocking) = clients(delay + Duration::from_secs(10));
    let tokio = runtime(setup.workers);
    let include_loop = delay * n as u32 <= LOOP_BUDGET;

    let until = deadline(lower_bound(setup));
    let mut variants = Vec::new();
    if include_loop {
        variants.push(Variant::new("blocking loop", || {
            let batch = || Pooled::from(blocking_loop(&blocking, &urls, until));
            (1, counted(&server, n, batch))
        }));
    }
    for &limit in &setup.limits {
        let (server, urls, client, blocking, tokio) = (&server, &urls, &client, &blocking, &tokio);
        variants.push(Variant::new(format!("thread pool ({limit})"), move || {
            let batch = || thread_pool(blocking, urls, limit, until);
            (limit, counted(server, n, batch))
        }));
        variants.push(Variant::new(format!("Semaphore ({limit})"), move || {
            let batch = || block_until(tokio, until, with_semaphore(client, urls, limit));
            (limit, counted(server, n, batch))
        }));
        variants.push(Variant::new(
            format!("buffer_unordered ({limit})"),
            move || {
                let batch = || block_until(tokio, until, buffered(client, urls, limit));
                (limit, counted(server, n, batch))
            },
        ));
    }
    // Probes between the runs measure what the machine gave: a busy one delays every wake-up.
    let (runs, capacity) = interleaved_probed(setup.reps, setup.workers, variants);
    drop(tokio);
    drop((client, blocking));

    if !include_loop {
        section.result(phrase!(
            "The blocking loop is left out: it would take at least {} ms x {} = {}, over the {} \
             this experiment allows itself; a smaller --size includes it.",
            delay.as_millis() as u64,
            n,
            format_seconds((delay * n as u32).as_secs_f64()),
            format_seconds(LOOP_BUDGET.as_secs_f64())
        ));
    }
    check(&mut section, &runs, n, setup.base_url.as_deref());
    section.table(
        &format!(
            "Measured ({} interleaved runs each; wall time and memory added are medians; CPU per \
             request leaves out the server's thread; memory added is the peak resident memory \
             over the run's start; the most in flight is counted by the server)",
            setup.reps
        ),
        table(&runs, n, delay),
    );
    section.capacity_then(&capacity, BUSY_CONSEQUENCE);
    verdicts(&mut section, &runs, setup, &capacity);
    section
}

/// How the busy line ends: how near each way came to its ideal is then not judged.
pub const BUSY_CONSEQUENCE: &str =
    "how near each way came to its ideal is not judged, only that every URL was fetched.";

/// Each way's runs: its limit of requests in flight, and what each run did.
type WayRuns = Runs<(usize, Batch)>;
