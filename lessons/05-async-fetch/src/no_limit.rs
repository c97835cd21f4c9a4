//! Experiment 3: no limit at all, and running out of file descriptors.
//!
//! `asyncio.gather` over every URL, without a Semaphore, starts every request at once. Each open
//! connection is a socket, and each socket a file descriptor: here two, since the server runs in
//! the same process (the client's end and the server's end). So the descriptors, the memory and
//! the server's requests in flight grow with N. A process may hold only RLIMIT_NOFILE
//! descriptors; in a child whose limit is lowered to [`CHILD_FD_LIMIT`], the unbounded batch fails
//! with "Too many open files" (EMFILE) and the same batch with a limit does not.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use lesson_kit::measure::{measure, rss_added_since, rss_baseline};
use lesson_kit::process::output_within;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, Segment, phrase};
use local_server::{LocalServer, reqwest};
use tokio::task::JoinSet;

use crate::fetch::{Done, fetch, with_semaphore};
use crate::limits::{SPARE, fd_limit};
use crate::{clients, runtime};

/// Batch sizes started all at once.
pub const SIZES: [usize; 2] = [100, 300];
/// The server's delay: long enough for every request of a batch to be in flight together.
pub const DELAY_MS: u64 = 100;
/// The child's lowered limit of open file descriptors, its batch, and its bounded limit.
pub const CHILD_FD_LIMIT: u64 = 256;
pub const CHILD_SIZE: usize = 400;
pub const CHILD_BOUND: usize = 100;
/// How long the child may take: its two batches need about a second.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(60);
/// The option by which the lesson re-runs itself as that child (hidden from `--help`).
pub const CHILD_OPTION: &str = "--fd-limit-child";

// ANCHOR: all_at_once
/// Every request started at once: `asyncio.gather(*[fetch(u) for u in urls])`, no Semaphore.
pub async fn all_at_once(client: &reqwest::Client, urls: &[String]) -> Vec<Done> {
    let mut tasks = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (client, url) = (client.clone(), url.clone());
        tasks.spawn(async move { (i, fetch(&client, &url).await) });
    }
    let mut done = Vec::with_capacity(urls.len());
    while let Some(finished) = tasks.join_next().await {
        done.push(finished.expect("a fetch task panicked"));
    }
    done
}
// ANCHOR_END: all_at_once

/// File descriptors this process has open now.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |dir| dir.count())
}

/// Runs `work` while a thread counts `/proc/self/fd` every millisecond; returns the most seen.
fn counting_fds<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let (stop, most) = (AtomicBool::new(false), AtomicUsize::new(open_fds()));
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Relaxed) {
                most.fetch_max(open_fds(), Relaxed);
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let result = work();
        stop.store(true, Relaxed);
        (result, most.load(Relaxed))
    })
}

/// Shows descriptors, memory and the server's in-flight count growing with N when nothing limits
/// them, and a lowered RLIMIT_NOFILE failing the unbounded batch but not the bounded one.
pub fn no_limit(workers: usize) -> Section {
    let mut section = Section::new("no-limit", "No limit at all").about(&format!(
        "Every request started at once, as asyncio.gather without a Semaphore does: batches of \
         {} and {} URLs answered after {DELAY_MS} ms, counting this process's open file \
         descriptors (/proc/self/fd) during the batch. Then a child process with RLIMIT_NOFILE \
         lowered to {CHILD_FD_LIMIT} runs {CHILD_SIZE} URLs at once, and again with a limit of \
         {CHILD_BOUND}.",
        SIZES[0], SIZES[1]
    ));
    let server = LocalServer::start().expect("the local server starts");
    let tokio = runtime(workers);
    // Two descriptors per request, and some to spare: never more than this machine allows.
    let cap = (fd_limit().saturating_sub(SPARE) / 2) as usize;
    let mut table = Table::new(&[
        ("urls", "URLs at once"),
        ("ok", "answered"),
        ("fds_before", "fds before"),
        ("fds_most", "most fds open"),
        ("server_peak", "server's most in flight"),
        ("rss_added_bytes", "memory added"),
        ("wall_s", "wall time"),
    ]);
    let mut seen = Vec::new(); // per size: fds, the server's peak, memory added
    for n in SIZES.map(|n| n.min(cap)) {
        let urls: Vec<String> = (0..n)
            .map(|_| server.url(&format!("/delay/{DELAY_MS}")))
            .collect();
        let (client, _) = clients(Duration::from_secs(10)); // a fresh pool: no idle sockets
        server.reset_stats();
        let before = open_fds();
        let rss = rss_baseline();
        let ((done, most), sample) =
            measure(|| counting_fds(|| tokio.block_on(all_at_once(&client, &urls))));
        let added = rss_added_since(rss);
        let peak = server.stats().peak_in_flight;
        let ok = done.iter().filter(|(_, r)| r.is_ok()).count();
        section.check(ok == n, phrase!("{} URLs at once: all {} answered", n, n));
        seen.push((most.saturating_sub(before), peak, added.unwrap_or(0)));
        table.row(vec![
            n.into(),
            ok.into(),
            Measured::Count(before as u64).into(),
            Measured::Count(most as u64).into(),
            Measured::Count(peak).into(),
            added.map_or(Segment::from("n/a"), |b| Measured::Bytes(b).into()),
            Measured::Time(sample.wall).into(),
        ]);
    }
    drop(tokio);
    section.table(
        "Measured (one run per size; each request holds two descriptors here: the client's \
         socket and the server's end of it)",
        table,
    );
    // The claim is checked on this run's figures: everything held at once grew with the batch.
    let grew =
        |pick: fn(&(usize, u64, u64)) -> u64| seen.windows(2).all(|w| pick(&w[1]) > pick(&w[0]));
    let (fds, load, memory) = (grew(|s| s.0 as u64), grew(|s| s.1), grew(|s| s.2));
    section.check(
        fds && load,
        "the larger batch held more descriptors open and had more requests in flight on the server",
    );
    let child_held = child_runs(&mut section, &server);
    let grown = match memory {
        true => "sockets, memory, the server's load",
        false => "sockets and the server's load (memory did not measurably grow on this run)",
    };
    if fds && load && child_held {
        section.verdict(phrase!(
            "Without a limit, what a batch holds at once grew with the batch: {}. The operating \
             system's limit on descriptors then decided which requests failed; a Semaphore \
             decided it in the program instead, and every request succeeded.",
            grown
        ));
    } else {
        section.verdict(
            "Not every check above held on this run, so the lesson draws no conclusion from it.",
        );
    }
    section
}

/// Runs the lesson again as a child with a lowered descriptor limit, and reports what it saw;
/// true when both its checks held.
fn child_runs(section: &mut Section, server: &LocalServer) -> bool {
    let exe = std::env::current_exe().expect("the lesson's own path");
    let mut child = Command::new(exe);
    child.args([CHILD_OPTION, &server.base_url()]);
    let report = match output_within(child, CHILD_DEADLINE) {
        Ok(report) => report,
        Err(why) => {
            section.check(false, why.as_str());
            return false;
        }
    };
    let counts = |label: &str| -> Option<[u64; 3]> {
        let line = report.lines().find(|l| l.starts_with(label))?;
        let numbers: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|w| w.parse().ok())
            .collect();
        numbers.try_into().ok()
    };
    let (Some([u_ok, u_emfile, u_other]), Some([b_ok, b_emfile, b_other])) =
        (counts("unbounded"), counts("bounded"))
    else {
        section.check(false, "the child process ended without its report");
        return false;
    };
    let (unbounded_failed, bounded_held) = (
        u_emfile > 0,
        b_ok == CHILD_SIZE as u64 && b_emfile + b_other == 0,
    );
    section.check(
        unbounded_failed,
        phrase!(
            "RLIMIT_NOFILE {}, {} URLs at once: some failed with \"Too many open files\"",
            CHILD_FD_LIMIT,
            CHILD_SIZE
        ),
    );
    section.result(phrase!(
        "unbounded: {} answered, {} failed with EMFILE, {} failed otherwise",
        Measured::Count(u_ok),
        Measured::Count(u_emfile),
        Measured::Count(u_other)
    ));
    section.check(
        bounded_held,
        phrase!(
            "RLIMIT_NOFILE {}, the same {} URLs with at most {} in flight: all {} answered",
            CHILD_FD_LIMIT,
            CHILD_SIZE,
            CHILD_BOUND,
            b_ok
        ),
    );
    unbounded_failed && bounded_held
}

// ANCHOR: child
/// The child: lowers its own RLIMIT_NOFILE, then fetches [`CHILD_SIZE`] URLs from the parent's
/// server all at once, and again with at most [`CHILD_BOUND`] in flight; prints the counts.
pub fn fd_limit_child(base_url: &str) {
    let limit = libc::rlimit {
        rlim_cur: CHILD_FD_LIMIT,
        rlim_max: CHILD_FD_LIMIT,
    };
    // SAFETY: setrlimit reads the struct it is given; lowering a limit is always allowed.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    let urls: Vec<String> = (0..CHILD_SIZE)
        .map(|_| format!("{base_url}/delay/{DELAY_MS}"))
        .collect();
    for (label, bound) in [("unbounded", None), ("bounded", Some(CHILD_BOUND))] {
        // A runtime and a client of its own for each run: dropping them closes every socket.
        let tokio = runtime(1);
        let client = local_server::client::asynchronous(Duration::from_secs(10)).expect("a client");
        let done = tokio.block_on(async {
            match bound {
                None => all_at_once(&client, &urls).await,
                Some(limit) => with_semaphore(&client, &urls, limit).await,
            }
        });
        let failed = |emfile: bool| {
            let errors = done.iter().filter_map(|(_, r)| r.as_ref().err());
            errors
                .filter(|e| e.contains("Too many open files") == emfile)
                .count()
        };
        let ok = done.iter().filter(|(_, r)| r.is_ok()).count();
        println!("{label} {ok} {} {}", failed(true), failed(false));
    }
}
// ANCHOR_END: child
