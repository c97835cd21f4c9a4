//! Experiment 2, the cost of sharing: the same increments, shared in different ways.
//!
//! Correct is not the same as cheap. Every thread that touches one counter fights for the same
//! cache line; a lock adds a handshake on top. The cheapest sharing is none: each thread counts
//! on its own and the totals are added once at the end.
//!
//! Every variant here is parallel and most are contended, so they are compared by their *median*
//! run, with the spread beside it: under contention, scheduling luck can make one run far faster
//! than the others (one thread keeps the lock while the other sleeps), and the minimum would rank
//! that luck. The threads of every variant start together on a `Barrier`, so they really contend.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::Duration;

use lesson_kit::measure::{Runs, Variant, agreed_result, interleaved};
use lesson_kit::table::Table;
use lesson_kit::workload::share_of;
use lesson_kit::{Measured, Section, phrase};

// ANCHOR: local_sums
/// No sharing: each thread counts in a local variable; the scope adds the totals once.
pub fn add_local_sums(total: u64, workers: usize) -> u64 {
    let start_line = Barrier::new(workers);
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let start_line = &start_line;
                s.spawn(move || {
                    start_line.wait();
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
    let start_line = Barrier::new(workers);
    thread::scope(|s| {
        for w in 0..workers {
            let (counter, start_line) = (&counter, &start_line);
            s.spawn(move || {
                start_line.wait();
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
    let start_line = Barrier::new(workers);
    thread::scope(|s| {
        for w in 0..workers {
            let (counter, start_line) = (&counter, &start_line);
            s.spawn(move || {
                start_line.wait();
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
    let start_line = Barrier::new(workers);
    thread::scope(|s| {
        for w in 0..workers {
            let (counter, start_line) = (&counter, &start_line);
            s.spawn(move || {
                start_line.wait();
                for _ in 0..share_of(total, w, workers) {
                    *counter.lock().unwrap() += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}

// ANCHOR: by_median
/// The slowest run of a variant: with the fastest, the spread of its runs.
pub fn max_wall<T>(runs: &Runs<T>) -> Duration {
    runs.samples
        .iter()
        .map(|s| s.wall)
        .max()
        .unwrap_or_default()
}

/// The variants' indices, cheapest first by their median run. Contended variants are ranked by
/// the median, not the minimum: a lucky run in which one thread had the lock to itself is fast,
/// and says nothing about what sharing usually costs.
pub fn rank_by_median<T>(runs: &[Runs<T>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by_key(|&i| runs[i].median_wall());
    order
}
// ANCHOR_END: by_median

/// True when every shared variant's median run took longer than the median run of the first
/// variant, which shares nothing: only then does the lesson say that sharing is not free.
fn sharing_costs_more<T>(runs: &[Runs<T>]) -> bool {
    let no_sharing = runs.first().map(Runs::median_wall).unwrap_or_default();
    runs.iter().skip(1).all(|r| r.median_wall() > no_sharing)
}

/// Compares the two mutexes in words that the measured spreads support.
fn mutex_duel<T>(std_runs: &Runs<T>, parking_runs: &Runs<T>) -> String {
    let (std_min, std_max) = (std_runs.min_wall(), max_wall(std_runs));
    let (pl_min, pl_max) = (parking_runs.min_wall(), max_wall(parking_runs));
    if std_max < pl_min {
        "std::sync::Mutex was faster in every run".into()
    } else if pl_max < std_min {
        "parking_lot::Mutex was faster in every run".into()
    } else {
        "their spreads overlap: neither was faster in every run".into()
    }
}

/// Times the same `total` increments done four ways and ranks them by their median cost.
pub fn cost_of_sharing(total: u64, workers: usize, reps: usize) -> Section {
    let mut section = Section::new("cost-of-sharing", "The cost of sharing").about(
        "The same increments, split over the worker threads, done four ways: per-thread local \
         sums added at the end, one shared atomic, one parking_lot::Mutex, one std::sync::Mutex. \
         The threads of each variant start together on a Barrier.",
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

    let baseline = runs[0].median_wall().as_secs_f64();
    let by_cost = rank_by_median(&runs);
    let mut table = Table::new(&[
        ("variant", "variant"),
        ("median_s", "median"),
        ("min_s", "fastest"),
        ("max_s", "slowest"),
        ("per_increment_s", "per increment"),
        ("vs_no_sharing", "vs no sharing"),
        ("rank", "rank"),
    ]);
    for (i, r) in runs.iter().enumerate() {
        let rank = by_cost.iter().position(|&j| j == i).unwrap_or(i) + 1;
        let median = r.median_wall().as_secs_f64();
        table.row(vec![
            r.name.as_str().into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(max_wall(r)).into(),
            Measured::Seconds(median / total as f64).into(),
            Measured::Ratio(median / baseline).into(),
            Measured::Count(rank as u64).into(),
        ]);
    }
    section.table(
        &format!("Measured ({reps} interleaved runs each; ranked by the median)"),
        table,
    );
    let ranking: Vec<&str> = by_cost.iter().map(|&i| runs[i].name.as_str()).collect();
    let dearest = runs[*by_cost.last().unwrap_or(&0)]
        .median_wall()
        .as_secs_f64();
    section.verdict(phrase!(
        "Cheapest first, by the median run: {}.",
        Measured::Varies(ranking.join(", "))
    ));
    let lesson = if sharing_costs_more(&runs) {
        "Correct sharing is not free: share results, not every step."
    } else {
        "This run did not separate them: a shared variant's median was no slower than not \
         sharing (was the machine busy?)."
    };
    section.verdict(phrase!(
        "Sharing one counter cost up to {} the time of not sharing at all ({} per increment). {}",
        Measured::Ratio(dearest / baseline),
        Measured::Seconds(dearest / total as f64),
        lesson
    ));
    section.verdict(phrase!(
        "The two mutexes, median per increment: std::sync::Mutex {}, parking_lot::Mutex {}; {}. \
         Size of a Mutex<u64>: std {} bytes, parking_lot {} bytes.",
        Measured::Seconds(runs[3].median_wall().as_secs_f64() / total as f64),
        Measured::Seconds(runs[2].median_wall().as_secs_f64() / total as f64),
        Measured::Varies(mutex_duel(&runs[3], &runs[2])),
        std::mem::size_of::<Mutex<u64>>(),
        std::mem::size_of::<parking_lot::Mutex<u64>>()
    ));
    section
}

#[cfg(test)]
mod tests {
    use super::*;
    use lesson_kit::measure::Sample;

    fn runs_of(name: &str, millis: &[u64]) -> Runs<u64> {
        let sample = |ms: &u64| Sample {
            wall: Duration::from_millis(*ms),
            cpu: Duration::ZERO,
            peak_rss_bytes: None,
        };
        Runs {
            name: name.into(),
            samples: millis.iter().map(sample).collect(),
            results: vec![0; millis.len()],
        }
    }

    #[test]
    fn a_lucky_fastest_run_does_not_win_the_ranking() {
        // "lucky" had one run with the lock to itself; "steady" is cheaper in most runs.
        let runs = [
            runs_of("lucky", &[12, 95, 90]),
            runs_of("steady", &[30, 31, 29]),
        ];
        assert_eq!(rank_by_median(&runs), vec![1, 0]);
        assert_eq!(max_wall(&runs[0]), Duration::from_millis(95));
    }

    #[test]
    fn sharing_is_called_dearer_only_when_every_shared_median_is_higher() {
        let alone = runs_of("local", &[1, 2, 9]);
        let clear = [alone.clone(), runs_of("atomic", &[1, 3, 40])];
        assert!(sharing_costs_more(&clear));
        let muddled = [
            alone,
            runs_of("atomic", &[3, 9]),
            runs_of("mutex", &[1, 2, 30]),
        ];
        assert!(!sharing_costs_more(&muddled));
    }

    #[test]
    fn the_duel_claims_a_winner_only_without_overlap() {
        let overlap = mutex_duel(&runs_of("std", &[10, 50]), &runs_of("pl", &[20, 30]));
        assert!(overlap.starts_with("their spreads overlap"), "{overlap}");
        let std_wins = mutex_duel(&runs_of("std", &[10, 15]), &runs_of("pl", &[20, 30]));
        assert!(std_wins.starts_with("std::sync::Mutex"), "{std_wins}");
        let pl_wins = mutex_duel(&runs_of("std", &[40, 45]), &runs_of("pl", &[20, 30]));
        assert!(pl_wins.starts_with("parking_lot::Mutex"), "{pl_wins}");
    }
}
