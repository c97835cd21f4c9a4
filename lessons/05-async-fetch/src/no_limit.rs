//! Experiment 3: no limit at all, and running out of file descriptors.
//!
//! `asyncio.gather` over every URL, without a Semaphore, starts every request at once. Each open
//! connection is a socket, and each socket a file descriptor: here two, since the server runs in
//! the same process (the client's end and the server's end). So the descriptors, the memory and
//! the server's requests in flight grow with N. A process may hold only RLIMIT_NOFILE
//! descriptors; in a child whose limit is lowered to [`CHILD_FD_LIMIT`], the unbounded batch fails
//! with "Too many open files" (EMFILE) and the same batch with a limit does not.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use lesson_kit::measure::measure;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};
use local_server::{LocalServer, reqwest};
use tokio::task::JoinSet;

use crate::fetch::{Done, fetch, with_semaphore};
use crate::{clients, runtime};

/// Batch sizes started all at once.
pub const SIZES: [usize; 2] = [100, 300];
/// The server's delay: long enough for every request of a batch to be in flight together.
pub const DELAY_MS: u64 = 100;
/// The child's lowered limit of open file descriptors, its batch, and its bounded limit.
pub const CHILD_FD_LIMIT: u64 = 256;
pub const CHILD_SIZE: usize = 400;
pub const CHILD_BOUND: usize = 100;
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

/// This process's soft limit of open file descriptors (RLIMIT_NOFILE).
pub fn fd_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return 1024;
    }
    limit.rlim_cur
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
    let cap = (fd_limit().saturating_sub(64) / 2) as usize;
    let mut table = Table::new(&[
        ("urls", "URLs at once"),
        ("ok", "answered"),
        ("fds_before", "fds before"),
        ("fds_most", "most fds open"),
        ("server_peak", "server's most in flight"),
        ("peak_rss_bytes", "peak RSS"),
        ("wall_s", "wall time"),
    ]);
    for n in SIZES.map(|n| n.min(cap)) {
        let urls: Vec<String> = (0..n)
            .map(|_| server.url(&format!("/delay/{DELAY_MS}")))
            .collect();
        let (client, _) = clients(Duration::from_secs(10)); // a fresh pool: no idle sockets
        server.reset_stats();
        let before = open_fds();
        let ((done, most), sample) =
            measure(|| counting_fds(|| tokio.block_on(all_at_once(&client, &urls))));
        let ok = done.iter().filter(|(_, r)| r.is_ok()).count();
        section.check(ok == n, phrase!("{} URLs at once: all {} answered", n, n));
        table.row(vec![
            n.into(),
            ok.into(),
            Measured::Count(before as u64).into(),
            Measured::Count(most as u64).into(),
            Measured::Count(server.stats().peak_in_flight).into(),
            Measured::Bytes(sample.peak_rss_bytes.unwrap_or(0)).into(),
            Measured::Time(sample.wall).into(),
        ]);
    }
    drop(tokio);
    section.table(
        "Measured (one run per size; each request holds two descriptors here: the client's \
         socket and the server's end of it)",
        table,
    );
    child_runs(&mut section, &server);
    section.verdict(
        "Without a limit, what a batch holds at once grows with the batch: sockets, memory, the \
         server's load. The operating system's limit on descriptors then decides which requests \
         fail; a Semaphore decides it in the program instead, and every request succeeds.",
    );
    section
}

/// Runs the lesson again as a child with a lowered descriptor limit, and reports what it saw.
fn child_runs(section: &mut Section, server: &LocalServer) {
    let exe = std::env::current_exe().expect("the lesson's own path");
    let child = Command::new(exe)
        .args([CHILD_OPTION, &server.base_url()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        section.check(false, "the child process could not be started");
        return;
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill(); // never outlives the lesson
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.wait();
    let mut report = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut report);
    }
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
        section.check(
            false,
            "the child process did not report (killed after 60 s?)",
        );
        return;
    };
    section.check(
        u_emfile > 0,
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
        b_ok == CHILD_SIZE as u64 && b_emfile + b_other == 0,
        phrase!(
            "RLIMIT_NOFILE {}, the same {} URLs with at most {} in flight: all {} answered",
            CHILD_FD_LIMIT,
            CHILD_SIZE,
            CHILD_BOUND,
            b_ok
        ),
    );
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
