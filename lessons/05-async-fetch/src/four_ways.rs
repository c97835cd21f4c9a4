//! Experiment 1: N URLs, one fixed server delay, four ways, at several limits.
//!
//! Every request waits `delay` on the server, so with `limit` requests in flight the batch cannot
//! take less than ceil(N / limit) x delay: that is the ideal each way is judged against. The
//! server counts the most requests it had in flight at once, so a limit is proven from the other
//! side of the socket, not taken on trust. CPU time per request is the process's CPU time during
//! the run minus the server thread's, divided by N: what the client side cost.

use std::time::{Duration, Instant};

use lesson_kit::capacity::Capacity;
use lesson_kit::measure::{
    Runs, Variant, interleaved_probed, median, rss_added_since, rss_baseline,
};
use lesson_kit::table::Table;
use lesson_kit::value::format_seconds;
use lesson_kit::{Measured, Section, Segment, phrase};
use local_server::LocalServer;

use crate::fetch::{Done, Pooled, blocking_loop, buffered, thread_pool, with_semaphore};
use crate::server_cpu::server_cpu;
use crate::{Setup, clients, deadline, runtime};

/// The blocking loop is left out when it would take longer than this (N x delay).
pub const LOOP_BUDGET: Duration = Duration::from_secs(5);

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

type WayRuns = Runs<(usize, Batch)>;

fn check(section: &mut Section, runs: &[WayRuns], n: usize, elsewhere: Option<&str>) {
    for r in runs {
        let failed = r.results.iter().find_map(|(_, b)| b.first_error.clone());
        let all = r.results.iter().all(|(_, b)| b.ok == n);
        let mut line = phrase!(
            "{}: all {} URLs answered 200 and read, in every run",
            r.name.as_str(),
            n
        );
        if let Some(error) = failed {
            line = phrase!("{}: not every URL was fetched: {}", r.name.as_str(), error);
        }
        section.check(all, line);
        if let Some(refused) = r
            .results
            .iter()
            .find_map(|(_, b)| b.threads_refused.clone())
        {
            let why = phrase!(
                "{}: the system refused some threads: {}",
                r.name.as_str(),
                refused
            );
            section.check(false, why);
        }
    }
    if let Some(base) = elsewhere {
        let why = format!("the requests went to {base}: the local server counted none in flight");
        section.result(why.as_str());
        return;
    }
    let within = runs.iter().all(|r| {
        r.results
            .iter()
            .all(|(limit, b)| b.server_peak <= *limit as u64)
    });
    section.check(
        within,
        "the server never had more requests in flight than the way's limit",
    );
    // However busy the machine, requests that wait 10 ms each overlap: a way that never had two
    // on the server at once did not run them concurrently. (How near the limit it came depends
    // on the machine: the table shows it.)
    let overlapped = runs.iter().all(|r| {
        let limit = r.results[0].0;
        limit < 2 || r.results.iter().any(|(_, b)| b.server_peak >= 2)
    });
    section.check(
        overlapped,
        "every way with a limit above 1 had more than one request in flight on the server",
    );
}

/// The median of one number over the runs.
fn median_of(runs: &WayRuns, value: impl Fn(usize) -> Duration) -> Duration {
    median((0..runs.samples.len()).map(value).collect())
}

/// Client CPU time per request, median over the runs.
/// The server thread's CPU time per request, median over the runs.
pub fn server_cpu_per_request(runs: &WayRuns, n: usize) -> Duration {
    median_of(runs, |i| runs.results[i].1.server_cpu / n as u32)
}

pub fn cpu_per_request(runs: &WayRuns, n: usize) -> Duration {
    median_of(runs, |i| {
        runs.samples[i]
            .cpu
            .saturating_sub(runs.results[i].1.server_cpu)
            / n as u32
    })
}

/// How far a run raised resident memory above where it started (malloc trimmed first), the
/// median over the runs: what the way itself held at its peak, not the process's baseline.
pub fn rss_added(runs: &WayRuns) -> Option<u64> {
    let mut added: Vec<u64> = runs
        .results
        .iter()
        .filter_map(|(_, b)| b.rss_added)
        .collect();
    added.sort_unstable();
    added.get(added.len().saturating_sub(1) / 2).copied()
}

fn table(runs: &[WayRuns], n: usize, delay: Duration) -> Table {
    let mut table = Table::new(&[
        ("way", "way"),
        ("limit", "limit"),
        ("median_s", "wall time"),
        ("ideal_s", "ideal"),
        ("of_ideal", "ideal / wall"),
        ("cpu_per_request_s", "CPU per request"),
        ("server_cpu_per_request_s", "server CPU per request"),
        ("rss_added_bytes", "memory added"),
        ("server_peak", "most in flight"),
    ]);
    for r in runs {
        let limit = r.results[0].0;
        let ideal = ideal(n, limit, delay);
        let wall = r.median_wall();
        let peak = r
            .results
            .iter()
            .map(|(_, b)| b.server_peak)
            .max()
            .unwrap_or(0);
        table.row(vec![
            r.name.as_str().into(),
            limit.into(),
            Measured::Time(wall).into(),
            Segment::from(format_seconds(ideal.as_secs_f64())),
            Measured::Share(ideal.as_secs_f64() / wall.as_secs_f64().max(1e-9)).into(),
            Measured::Seconds(cpu_per_request(r, n).as_secs_f64()).into(),
            Measured::Seconds(server_cpu_per_request(r, n).as_secs_f64()).into(),
            // None when /proc could not be read: say so rather than print a false 0 B.
            rss_added(r).map_or(Segment::from("n/a"), |b| Measured::Bytes(b).into()),
            Measured::Count(peak).into(),
        ]);
    }
    table
}

fn verdicts(section: &mut Section, runs: &[WayRuns], setup: &Setup, capacity: &Capacity) {
    let (n, delay, workers) = (setup.size, setup.delay, setup.workers);
    let Some(limit) = runs.iter().map(|r| r.results[0].0).max() else {
        return;
    };
    let named = |prefix: &str| {
        runs.iter()
            .find(|r| r.name.starts_with(prefix) && r.results[0].0 == limit)
    };
    let share = |r: &WayRuns| ideal(n, limit, delay).as_secs_f64() / r.median_wall().as_secs_f64();
    let all_ok = |r: &WayRuns| r.results.iter().all(|(_, b)| b.ok == n);
    if let (Some(pool), Some(semaphore), Some(stream)) = (
        named("thread pool"),
        named("Semaphore"),
        named("buffer_unordered"),
    ) {
        let ways = [pool, semaphore, stream];
        // The claim holds only if every way fetched everything and came near its ideal.
        let near = ways.iter().all(|r| all_ok(r) && share(r) >= NEAR_IDEAL);
        let (a, b, c) = (share(pool), share(semaphore), share(stream));
        if near {
            section.verdict(phrase!(
                "At a limit of {}, the batch reached {} of the ideal (ideal / wall) with threads, \
                 {} with the Semaphore and {} with buffer_unordered: a limit of L in flight is \
                 what makes the batch fast, whether threads or tasks do the waiting.",
                limit,
                Measured::Share(a),
                Measured::Share(b),
                Measured::Share(c)
            ));
        } else if capacity.busy() && ways.iter().all(|r| all_ok(r)) {
            section.verdict(phrase!(
                "At a limit of {}, the batch reached {} of the ideal (ideal / wall) with threads, \
                 {} with the Semaphore and {} with buffer_unordered: another program took the \
                 cores the responses needed, so this run cannot tell what held it back.",
                limit,
                Measured::Share(a),
                Measured::Share(b),
                Measured::Share(c)
            ));
        } else {
            section.verdict(phrase!(
                "At a limit of {}, the batch reached only {} of the ideal (ideal / wall) with \
                 threads, {} with the Semaphore and {} with buffer_unordered, or lost URLs: \
                 something besides the limit held it back (see the checks above).",
                limit,
                Measured::Share(a),
                Measured::Share(b),
                Measured::Share(c)
            ));
        }
        let threads = limit.min(n);
        section.verdict(phrase!(
            "The thread pool started {} threads to keep {} requests waiting; the tasks waited on \
             the runtime's {} worker threads. Client CPU per request: {} with the thread pool, \
             {} with the Semaphore's tasks. The blocking client hands every request to one \
             internal runtime thread, so that gap is the hand-over between threads, not the \
             cost of a thread against a task.",
            threads,
            threads,
            Measured::Machine(workers.to_string()),
            Measured::Seconds(cpu_per_request(pool, n).as_secs_f64()),
            Measured::Seconds(cpu_per_request(semaphore, n).as_secs_f64())
        ));
    }
    if let Some(sequential) = runs.iter().find(|r| r.results[0].0 == 1) {
        let sum = delay * n as u32;
        let wall = sequential.median_wall();
        let over = wall.as_secs_f64() - sum.as_secs_f64();
        section.check(
            all_ok(sequential) && over >= 0.0,
            phrase!(
                "The blocking loop waits for each response before it sends the next request: \
                 it took {}, the sum of the delays ({}) plus {} per request of round trip and \
                 client and server work.",
                Measured::Time(wall),
                Segment::from(format_seconds(sum.as_secs_f64())),
                Measured::Seconds(over.max(0.0) / n as f64)
            ),
        );
    }
}

/// The share of the ideal (ideal / wall) each concurrent way must reach for the verdict that the
/// limit is what makes the batch fast: half, so a busy machine does not flip it, while a batch
/// held back by something else (timeouts, a server that cannot accept) does.
pub const NEAR_IDEAL: f64 = 0.5;
