//! Experiment 5: memory shared between processes.
//!
//! Processes share nothing unless they ask: a worker's counter is its own. Python's
//! `multiprocessing.Value` asks for a few bytes in a shared mapping; here the same is done by
//! hand. The lesson creates an anonymous in-memory file (`memfd_create`) holding one `AtomicU64`,
//! maps it, and sends each worker its *name* (`/proc/<pid>/fd/<fd>`) in the task: a worker opens
//! and maps the same page, and its `fetch_add` changes the memory every process sees. An atomic
//! addition is one instruction on the memory itself (on x86-64, `lock xadd`), so it is as atomic
//! between processes as between threads.

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use lesson_kit::measure::{Variant, agreed_result, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::cpu_jobs::{Setup, sequential};
use crate::jobs::{Output, Task, prime_tasks};
use crate::pool::Pool;

// ANCHOR: shared_counter
/// One `AtomicU64` in memory that several processes map.
pub struct SharedCounter {
    file: OwnedFd,
    page: NonNull<AtomicU64>,
}

// SAFETY: the mapping is only reached through `&AtomicU64`, which is Send and Sync.
unsafe impl Send for SharedCounter {}
unsafe impl Sync for SharedCounter {}

impl SharedCounter {
    /// A new counter at 0, in an anonymous in-memory file of one page.
    pub fn create() -> io::Result<SharedCounter> {
        // SAFETY: memfd_create reads a NUL-terminated name; the fd returned is ours to own.
        let fd = unsafe { libc::memfd_create(c"lesson-04-counter".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a new, valid descriptor that nothing else owns.
        let file = unsafe { OwnedFd::from_raw_fd(fd) };
        std::fs::File::from(file.try_clone()?).set_len(4096)?; // zero-filled
        SharedCounter::map(file)
    }
    // ANCHOR_END: shared_counter

    /// The counter another process created, by the name it was sent.
    pub fn open(name: &str) -> io::Result<SharedCounter> {
        let file = OpenOptions::new().read(true).write(true).open(name)?;
        SharedCounter::map(file.into())
    }

    fn map(file: OwnedFd) -> io::Result<SharedCounter> {
        // SAFETY: a fresh shared mapping of the file's first page; checked for failure below.
        let page = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if page == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let page = NonNull::new(page.cast()).expect("mmap never returns null on success");
        Ok(SharedCounter { file, page })
    }

    /// The name under which other processes of this user can open it.
    pub fn name(&self) -> String {
        format!("/proc/{}/fd/{}", std::process::id(), self.file.as_raw_fd())
    }

    pub fn counter(&self) -> &AtomicU64 {
        // SAFETY: the page is mapped, page-aligned and zero-initialised for as long as self
        // lives, and every process touches it only through atomic operations.
        unsafe { self.page.as_ref() }
    }
}

impl Drop for SharedCounter {
    fn drop(&mut self) {
        // SAFETY: unmaps the page mapped in `map`; no reference to it outlives self.
        unsafe { libc::munmap(self.page.as_ptr().cast(), 4096) };
    }
}

// ANCHOR: count_into
/// The worker's side: count the primes in `start..end`, adding each one to the shared counter
/// as it is found, instead of sending a count back.
pub fn count_primes_into(name: &str, start: u64, end: u64) -> Result<(), String> {
    let shared = SharedCounter::open(name).map_err(|e| format!("cannot map {name}: {e}"))?;
    for n in start..end {
        if crate::jobs::is_prime(n) {
            shared.counter().fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}
// ANCHOR_END: count_into

/// Runs `tasks` on `pool` and adds up the counts the workers sent back.
fn by_messages(pool: &mut Pool, tasks: &[Task]) -> u64 {
    let reports = pool.run(tasks);
    reports
        .iter()
        .map(|r| match r.outcome {
            Ok(Output::Count(c)) => c,
            _ => 0,
        })
        .sum()
}

/// Runs the same ranges on `pool`, each worker adding into one shared counter; reads it after.
fn by_shared_counter(pool: &mut Pool, tasks: &[Task]) -> u64 {
    let shared = SharedCounter::create().expect("an in-memory file to share");
    let into: Vec<Task> = tasks
        .iter()
        .map(|task| match task {
            Task::CountPrimes { start, end } => Task::CountPrimesInto {
                counter: shared.name(),
                start: *start,
                end: *end,
            },
            other => other.clone(),
        })
        .collect();
    let failed = pool
        .run(&into)
        .iter()
        .filter(|r| r.outcome.is_err())
        .count();
    // Every worker has answered: all its additions happened before its reply was sent.
    if failed > 0 {
        0
    } else {
        shared.counter().load(Ordering::Relaxed)
    }
}

/// Counts the primes below `limit` on the pool twice: results sent back as messages, and
/// results added into memory the workers share.
pub fn shared_memory(limit: u64, setup: Setup) -> Section {
    let mut section = Section::new("shared", "Memory shared between processes").about(
        "Processes share nothing unless asked. Count the primes below the size in 16 tasks on a \
         pool started beforehand, twice: each worker sends its counts back as messages, or adds \
         each prime it finds to one AtomicU64 in memory every worker maps (Python's \
         multiprocessing.Value).",
    );
    let tasks = prime_tasks(limit, 16);
    let expected: u64 = sequential(&tasks)
        .iter()
        .map(|o| match o {
            Output::Count(c) => *c,
            _ => 0,
        })
        .sum();
    let mut pool = Pool::start(setup.program, setup.workers).expect("workers start");
    let pool = std::cell::RefCell::new(&mut pool);
    let runs = interleaved(
        setup.reps,
        vec![
            Variant::new("counts sent back", || {
                by_messages(&mut pool.borrow_mut(), &tasks)
            }),
            Variant::new("one shared AtomicU64", || {
                by_shared_counter(&mut pool.borrow_mut(), &tasks)
            }),
        ],
    );
    let agreed = agreed_result(&runs);
    section.check(
        agreed == Ok(expected),
        phrase!(
            "both ways counted {} primes below {}, as one thread does, in every run",
            expected,
            limit
        ),
    );
    let mut table = Table::new(&[
        ("way", "results"),
        ("median_s", "median"),
        ("min_s", "min"),
        ("max_s", "max"),
    ]);
    for r in &runs {
        let max = r.samples.iter().map(|s| s.wall).max().unwrap_or_default();
        table.row(vec![
            r.name.clone().into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(max).into(),
        ]);
    }
    section.table(
        &format!(
            "{} workers, {} interleaved runs, parallel: by the median, with the spread",
            setup.workers, setup.reps
        ),
        table,
    );
    let ratio =
        runs[1].median_wall().as_secs_f64() / runs[0].median_wall().as_secs_f64().max(1e-12);
    section.verdict(phrase!(
        "The shared counter took {} the time of sending counts back: {} atomic additions to one \
         cache line that two processes write, plus mapping the page in every task.",
        Measured::Ratio(ratio),
        expected
    ));
    section.verdict(
        "Shared memory saves messages, not work: it pays off for big data read in place, not for \
         a number per task. And only atomics or a lock make it safe, between processes as between \
         threads.",
    );
    section
}
