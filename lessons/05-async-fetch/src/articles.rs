//! Experiment 6: the articles' table for thousands of URLs, re-run with its ideal beside it.
//!
//! One article times 10,000 URL fetches: a `requests` loop 30 min, `ThreadPool(20)` 3 min,
//! `ThreadPool(200)` 1.5 min, `aiohttp` under `Semaphore(50)` 2 min and `Semaphore(200)` 45 s. It
//! names no server delay; its loop implies one: 30 min / 10,000 = 180 ms per request. With that
//! delay, each row has an ideal, ceil(10,000 / limit) x 180 ms, so the article's own figures can be
//! judged, and the same rows are re-run here against the local server. Its memory column (50 MB
//! for the loop, 200 MB and 800 MB for the thread pools, 150 MB and 250 MB for asyncio) is whole
//! Python processes; beside it is what each row added to this process's resident memory.

use std::time::Duration;

use lesson_kit::measure::measure;
use lesson_kit::table::Table;
use lesson_kit::value::format_seconds;
use lesson_kit::{Measured, Section, Segment, phrase};
use local_server::LocalServer;

use crate::batch::{block_until, counted};
use crate::fetch::{thread_pool, with_semaphore};
use crate::four_ways::ideal;
use crate::{Setup, clients, deadline, runtime};

/// The article's batch and the delay its sequential row implies.
pub const ARTICLE_URLS: usize = 10_000;
pub const ARTICLE_DELAY: Duration = Duration::from_millis(180);

/// The article's rows: what ran, at which limit, the time and the memory (MB) it reports.
pub const ROWS: [(&str, bool, usize, Duration, u64); 4] = [
    ("ThreadPool(20)", false, 20, Duration::from_secs(180), 200),
    ("ThreadPool(200)", false, 200, Duration::from_secs(90), 800),
    ("Semaphore(50)", true, 50, Duration::from_secs(120), 150),
    ("Semaphore(200)", true, 200, Duration::from_secs(45), 250),
];

/// The least time the rows can take: each row's ideal.
pub fn lower_bound(urls: usize, delay: Duration) -> Duration {
    ROWS.iter().map(|row| ideal(urls, row.2, delay)).sum()
}

/// Re-runs the article's rows with `urls` URLs answered after `delay`, the ideal beside each.
pub fn articles_table(urls: usize, delay: Duration, setup: &Setup) -> Section {
    let workers = setup.workers;
    let mut section = Section::new("articles", "The articles' table, re-run").about(&format!(
        "One article fetches 10,000 URLs: a requests loop in 30 min, ThreadPool(20) in 3 min, \
         ThreadPool(200) in 1.5 min, aiohttp with Semaphore(50) in 2 min and Semaphore(200) in \
         45 s. Its loop implies 180 ms per request. The same rows here: {urls} URLs answered after \
         {} ms (the article's sizes: --articles-urls 10000 --articles-delay-ms 180, minutes \
         long), threads with the blocking client, tasks with the async one.",
        delay.as_millis()
    ));
    let server = LocalServer::start().expect("the local server starts");
    let base = setup.base_url.clone().unwrap_or_else(|| server.base_url());
    let list: Vec<String> = (0..urls)
        .map(|_| format!("{base}/delay/{}", delay.as_millis()))
        .collect();
    let (client, blocking) = clients(delay + Duration::from_secs(30));
    let tokio = runtime(workers);
    let (mut shares, mut added) = (Vec::new(), Vec::new());
    let mut table = Table::new(&[
        ("row", "row"),
        ("article_s", "article"),
        ("article_ideal_s", "its ideal"),
        ("article_of_ideal", "ideal / article"),
        ("wall_s", "here"),
        ("ideal_s", "ideal here"),
        ("of_ideal", "ideal / here"),
        ("server_peak", "most in flight"),
        ("article_memory_bytes", "article memory"),
        ("rss_added_bytes", "memory added here"),
    ]);
    let until = deadline(lower_bound(urls, delay));
    for (name, tasks, limit, reported, memory_mb) in ROWS {
        let (batch, sample) = measure(|| {
            counted(&server, urls, || match tasks {
                true => block_until(&tokio, until, with_semaphore(&client, &list, limit)),
                false => thread_pool(&blocking, &list, limit, until),
            })
        });
        section.check(
            batch.ok == urls,
            phrase!("{}: all {} URLs answered", name, urls),
        );
        let theirs = ideal(ARTICLE_URLS, limit, ARTICLE_DELAY);
        let ours = ideal(urls, limit, delay);
        shares.push(ours.as_secs_f64() / sample.wall.as_secs_f64());
        added.push((name, batch.rss_added));
        table.row(vec![
            name.into(),
            Segment::from(format_seconds(reported.as_secs_f64())),
            Segment::from(format_seconds(theirs.as_secs_f64())),
            Segment::from(format!(
                "{:.0}%",
                100.0 * theirs.as_secs_f64() / reported.as_secs_f64()
            )),
            Measured::Time(sample.wall).into(),
            Segment::from(format_seconds(ours.as_secs_f64())),
            Measured::Share(ours.as_secs_f64() / sample.wall.as_secs_f64()).into(),
            Measured::Count(batch.server_peak).into(),
            Segment::from(format!("{memory_mb} MB")),
            batch
                .rss_added
                .map_or(Segment::from("n/a"), |b| Measured::Bytes(b).into()),
        ]);
    }
    drop(tokio);
    drop((client, blocking));
    section.table(
        "The article's figures (10,000 URLs at an implied 180 ms) and this run's, one run each",
        table,
    );
    let (lo, hi) = shares
        .iter()
        .fold((f64::MAX, 0.0_f64), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    section.verdict(phrase!(
        "By its own numbers the article's batches ran far from their ideal, and worst at the \
         highest limits: ThreadPool(200) should take 9 s at 180 ms a request, not 1.5 min. Here \
         the same rows reached from {} to {} of theirs.",
        Measured::Share(lo),
        Measured::Share(hi)
    ));
    let most = added.iter().filter_map(|(_, a)| *a).max();
    let threads_200 = added.iter().find(|(name, _)| *name == "ThreadPool(200)");
    if let (Some(most), Some((_, Some(threads_200)))) = (most, threads_200) {
        section.verdict(phrase!(
            "The article's memory column is whole Python processes (interpreter, libraries, \
             parsed pages), which this run cannot repeat. What it can measure is what each row \
             added to this process's resident memory at its peak: at most {}, and {} for 200 \
             threads, where the article's 800 MB would be 4 MB a thread.",
            Measured::Bytes(most),
            Measured::Bytes(*threads_200)
        ));
    }
    section
}
