//! Experiment 1, the shared counter: 10 threads each add 1 a thousand times.
//!
//! Python's articles show `counter += 1` losing updates without a lock and being exact with one.
//! In Rust the unlocked version does not compile at all: the borrow checker refuses to let two
//! threads mutate one integer. What can still be written is a *logical* race: reading an atomic,
//! then writing it back, as two steps. Each step is safe; the pair is not.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;

use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

/// The article's numbers: 10 threads, 1000 increments each.
pub const THREADS: usize = 10;
pub const INCREMENTS: usize = 1_000;

// ANCHOR: std_mutex
/// Each increment takes the lock, so no two threads can interleave inside `+= 1`. The threads
/// start together on a `Barrier`, so that they really overlap (see the racy version below).
pub fn count_with_std_mutex(threads: usize, increments: usize) -> usize {
    let counter = Mutex::new(0);
    let start_line = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start_line.wait();
                for _ in 0..increments {
                    *counter.lock().unwrap() += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}
// ANCHOR_END: std_mutex

/// The same with `parking_lot::Mutex`: no poisoning to unwrap, and unfair unlocking by default.
pub fn count_with_parking_lot(threads: usize, increments: usize) -> usize {
    let counter = parking_lot::Mutex::new(0);
    let start_line = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start_line.wait();
                for _ in 0..increments {
                    *counter.lock() += 1;
                }
            });
        }
    });
    counter.into_inner()
}

// ANCHOR: atomic
/// `fetch_add` reads, adds and writes in one indivisible step: no lock, nothing lost.
pub fn count_with_atomic(threads: usize, increments: usize) -> usize {
    let counter = AtomicUsize::new(0);
    let start_line = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start_line.wait();
                for _ in 0..increments {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: atomic

// ANCHOR: racy
/// Load, then store: two threads can both read 41 and both write 42. One update is lost.
pub fn count_with_racy_load_store(threads: usize, increments: usize) -> usize {
    let counter = AtomicUsize::new(0);
    // Without a common start, a thread may finish its 1000 increments (microseconds) before the
    // next one is even running, and a race needs two threads at once.
    let start_line = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start_line.wait();
                for _ in 0..increments {
                    let seen = counter.load(Ordering::Relaxed);
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: racy

/// The code that does not compile, and rustc's message about it. A compile-fail test
/// (`lesson-01-compile-fail`) fails if either stops being true.
pub const PLAIN_COUNTER_CODE: &str = include_str!("../compile-fail/cases/plain_counter.rs");
pub const PLAIN_COUNTER_ERROR: &str = include_str!("../compile-fail/cases/plain_counter.stderr");

/// A way of counting: `count(threads, increments)` returns the final counter.
pub type CountFn = fn(usize, usize) -> usize;

/// What many trials of one counting function gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    pub trials: usize,
    pub exact: usize,
    pub lowest: usize,
}

/// Runs `count` `trials` times and tallies how often it reached the exact total.
pub fn tally(trials: usize, count: impl Fn(usize, usize) -> usize) -> Tally {
    let expected = THREADS * INCREMENTS;
    let results: Vec<usize> = (0..trials).map(|_| count(THREADS, INCREMENTS)).collect();
    Tally {
        trials,
        exact: results.iter().filter(|&&r| r == expected).count(),
        lowest: results.iter().copied().min().unwrap_or(0),
    }
}

/// Shows that locks and atomics count exactly, that a racy read-then-write loses updates, and
/// that the version Python lets you write is rejected by the compiler.
pub fn shared_counter(trials: usize) -> Section {
    let mut section = Section::new("shared-counter", "The shared counter").about(
        "10 threads each add 1 to one counter 1000 times, many times over. Every correct version \
         must end at exactly 10000, every time.",
    );
    let expected = THREADS * INCREMENTS;
    let correct: [(&str, CountFn); 3] = [
        ("std::sync::Mutex", count_with_std_mutex),
        ("parking_lot::Mutex", count_with_parking_lot),
        ("AtomicUsize::fetch_add", count_with_atomic),
    ];
    let mut table = Table::new(&[
        ("variant", "variant"),
        ("trials", "trials"),
        ("exact_trials", "ended at 10000"),
        ("lowest", "lowest count"),
    ]);
    let mut all_exact = true;
    for (name, count) in correct {
        let t = tally(trials, count);
        all_exact &= t.exact == trials;
        if t.exact == trials {
            section.check(
                true,
                phrase!("{}: {} in all {} trials", name, expected, trials),
            );
        } else {
            section.check(
                false,
                phrase!(
                    "{}: only {} of {} trials reached {}; lowest count {}",
                    name,
                    Measured::Count(t.exact as u64),
                    trials,
                    expected,
                    Measured::Count(t.lowest as u64)
                ),
            );
        }
        table.row(vec![
            name.into(),
            trials.into(),
            t.exact.into(),
            t.lowest.into(),
        ]);
    }
    let racy = tally(trials, count_with_racy_load_store);
    let lossy_trials = (trials - racy.exact) as u64;
    section.result(phrase!(
        "load, then store (racy): lost updates in {} of {} trials; lowest count {} of {}",
        Measured::Count(lossy_trials),
        trials,
        Measured::Count(racy.lowest as u64),
        expected
    ));
    table.row(vec![
        "load, then store".into(),
        trials.into(),
        Measured::Count(racy.exact as u64).into(),
        Measured::Count(racy.lowest as u64).into(),
    ]);
    section.listing(
        "A plain integer shared by threads (the Python version) does not compile:",
        PLAIN_COUNTER_CODE.trim_end(),
    );
    section.listing("rustc says:", PLAIN_COUNTER_ERROR.trim_end());
    section.table("Counted", table);
    section.verdict(if all_exact {
        "Locks and atomics never lost an update."
    } else {
        "A lock or an atomic lost updates: see the failed check above."
    });
    if lossy_trials > 0 {
        section.verdict(phrase!(
            "The racy load-then-store lost updates in {} of the trials: each step was atomic, the \
             pair was not.",
            Measured::Share(lossy_trials as f64 / trials as f64)
        ));
    } else {
        section.verdict(
            "The racy load-then-store lost no update in this run: its threads never overlapped \
             inside the window. A race that does not show is still a race.",
        );
    }
    section.verdict(
        "The data race Python lets you write is a compile error in Rust; the logical race is not.",
    );
    section
}
