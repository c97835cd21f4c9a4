//! Experiment 2, the cost of sharing: the same increments, shared in different ways.
//!
//! Correct is not the same as cheap. Every thread that touches one counter fights for the same
//! cache line; a lock adds a handshake on top. The cheapest sharing is none: each thread counts
//! on its own and the totals are added once at the end.

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use lesson_kit::measure::{Variant, agreed_result, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

/// Splits `total` increments as evenly as possible over `workers` threads.
fn share_of(total: u64, worker: usize, workers: usize) -> u64 {
    total / workers as u64 + u64::from((worker as u64) < total % workers as u64)
}

// ANCHOR: local_sums
/// No sharing: each thread counts in a local variable; the scope adds the totals once.
pub fn add_local_sums(total: u64, workers: usize) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    let mut local = 0u64;
                    for _ in 0..share_of(total, w, workers) {
                        // black_box stops the compiler from replacing the loop by one addition.
                        local = black_box(local + 1);
                    }
                    local
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: local_sums

/// One shared atomic, one `fetch_add` per increment.
pub fn add_to_atomic(total: u64, workers: usize) -> u64 {
    let counter = AtomicU64::new(0);
    thread::scope(|s| {
        for w in 0..workers {
            let counter = &counter;
            s.spawn(move || {
                for _ in 0..share_of(total, w, workers) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}

/// One `parking_lot::Mutex`, locked for every increment.
pub fn add_under_parking_lot(total: u64, workers: usize) -> u64 {
    let counter = parking_lot::Mutex::new(0);
    thread::scope(|s| {
        for w in 0..workers {
            let counter = &counter;
            s.spawn(move || {
                for _ in 0..share_of(total, w, workers) {
                    *counter.lock() += 1;
                }
            });
        }
    });
    counter.into_inner()
}

/// One `std::sync::Mutex`, locked for every increment.
pub fn add_under_std_mutex(total: u64, workers: usize) -> u64 {
    let counter = Mutex::new(0);
    thread::scope(|s| {
        for w in 0..workers {
            let counter = &counter;
            s.spawn(move || {
                for _ in 0..share_of(total, w, workers) {
                    *counter.lock().unwrap() += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}

/// Times the same `total` increments done four ways and ranks them by cost per increment.
pub fn cost_of_sharing(total: u64, workers: usize, reps: usize) -> Section {
    let mut section = Section::new("cost-of-sharing", "The cost of sharing").about(
        "The same increments, split over the worker threads, done four ways: per-thread local \
         sums added at the end, one shared atomic, one parking_lot::Mutex, one std::sync::Mutex.",
    );
    let runs = interleaved(
        reps,
        vec![
            Variant::new("local sums (no sharing)", || add_local_sums(total, workers)),
            Variant::new("AtomicU64::fetch_add", || add_to_atomic(total, workers)),
            Variant::new("parking_lot::Mutex", || {
                add_under_parking_lot(total, workers)
            }),
            Variant::new("std::sync::Mutex", || add_under_std_mutex(total, workers)),
        ],
    );
    let agreed = agreed_result(&runs);
    section.check(
        agreed == Ok(total),
        phrase!(
            "all 4 variants counted {} increments with {} threads",
            total,
            workers
        ),
    );
    if let Err(disagreement) = agreed {
        section.result(phrase!("disagreement: {}", disagreement));
    }

    let baseline = runs[0].min_wall();
    let mut by_cost: Vec<usize> = (0..runs.len()).collect();
    by_cost.sort_by_key(|&i| runs[i].min_wall());
    let mut table = Table::new(&[
        ("variant", "variant"),
        ("min_s", "min"),
        ("median_s", "median"),
        ("per_increment_s", "per increment"),
        ("vs_no_sharing", "vs no sharing"),
        ("rank", "rank"),
    ]);
    for (i, r) in runs.iter().enumerate() {
        let rank = by_cost.iter().position(|&j| j == i).unwrap_or(i) + 1;
        table.row(vec![
            r.name.as_str().into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Seconds(r.min_wall().as_secs_f64() / total as f64).into(),
            Measured::Ratio(r.min_wall().as_secs_f64() / baseline.as_secs_f64()).into(),
            Measured::Count(rank as u64).into(),
        ]);
    }
    section.table(&format!("Measured ({reps} interleaved runs each)"), table);
    let ranking: Vec<&str> = by_cost.iter().map(|&i| runs[i].name.as_str()).collect();
    let dearest = &runs[*by_cost.last().unwrap_or(&0)];
    section.verdict(phrase!(
        "Cheapest first: {}.",
        Measured::Varies(ranking.join(", "))
    ));
    section.verdict(phrase!(
        "Sharing one counter cost up to {} the time of not sharing at all ({} per increment). \
         Correct sharing is not free: share results, not every step.",
        Measured::Ratio(dearest.min_wall().as_secs_f64() / baseline.as_secs_f64()),
        Measured::Seconds(dearest.min_wall().as_secs_f64() / total as f64)
    ));
    section
}
