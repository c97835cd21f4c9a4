//! Experiment 4: a `std::sync::MutexGuard` held across `.await`.
//!
//! A future holds, across each `.await`, every local still alive there. A `MutexGuard` is not
//! `Send` (a lock must be released by the thread that took it), so a future holding one across
//! `.await` is not `Send`, and `tokio::spawn`, which may move a task between worker threads,
//! rejects it at compile time. `drop(guard)` before the `.await` does not help with rustc 1.95
//! once the guard has been used: using it borrows it (`*guard += 1` is `deref_mut(&mut guard)`),
//! and rustc counts a local that was ever borrowed as held until the end of its scope
//! (rust-lang/rust#94067, #101135). A block scope around the guard does help, and so does `tokio::sync::Mutex`,
//! whose guard may be held across `.await` (it is `Send`), at a price this experiment measures.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lesson_kit::measure::{Variant, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::current_thread;

/// rustc's message for a guard held across `.await` in a spawned task.
pub const ACROSS_AWAIT_ERROR: &str =
    include_str!("../compile-fail/cases/guard_across_await.stderr");

// ANCHOR: scoped
/// Compiles: the guard's block ends before the `.await`, so the future never holds it.
pub async fn scoped(counter: Arc<Mutex<u64>>) {
    {
        let mut count = counter.lock().unwrap();
        *count += 1;
    } // the guard is gone here
    tokio::time::sleep(Duration::from_millis(1)).await;
}

/// Compiles: tokio's guard is `Send` and may be held across `.await`.
pub async fn held(counter: Arc<tokio::sync::Mutex<u64>>) {
    let mut count = counter.lock().await;
    *count += 1;
    tokio::time::sleep(Duration::from_millis(1)).await;
}
// ANCHOR_END: scoped

/// Spawns both fixes, `n` tasks each, and returns both counts.
pub fn both_fixes_spawn(n: u64) -> (u64, u64) {
    current_thread().block_on(async {
        let (std_counter, tokio_counter) = (
            Arc::new(Mutex::new(0)),
            Arc::new(tokio::sync::Mutex::new(0)),
        );
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            set.spawn(scoped(Arc::clone(&std_counter)));
            set.spawn(held(Arc::clone(&tokio_counter)));
        }
        while let Some(joined) = set.join_next().await {
            joined.expect("an increment task panicked");
        }
        let std_count = *std_counter.lock().unwrap();
        (std_count, *tokio_counter.lock().await)
    })
}

// ANCHOR: cost
/// `ops` lock, add one, unlock with a std Mutex, in a task.
pub async fn std_increments(counter: &Mutex<u64>, ops: u64) {
    for _ in 0..ops {
        *counter.lock().unwrap() += 1;
    }
}

/// The same with a tokio Mutex: `lock()` is a future, awaited every time.
pub async fn tokio_increments(counter: &tokio::sync::Mutex<u64>, ops: u64) {
    for _ in 0..ops {
        *counter.lock().await += 1;
    }
}
// ANCHOR_END: cost

/// The guard listing, both fixes spawned, and the cost of each Mutex uncontended in one task.
pub fn guard_across_await(ops: u64, reps: usize) -> Section {
    let mut section = Section::new("guard-across-await", "A MutexGuard held across .await")
        .about(&format!(
            "A spawned task that holds a std::sync::MutexGuard across .await does not compile. The \
             two fixes, a block scope and tokio::sync::Mutex, are spawned 100 times each; then each \
             Mutex is locked {ops} times in one task, {reps} interleaved runs."
        ));
    section.listing(
        "rustc 1.95 on tokio::spawn of a task holding the guard across .await \
         (compile-fail/cases/guard_across_await.rs; drop(guard) after using the guard, before the .await, gets the same)",
        ACROSS_AWAIT_ERROR,
    );
    let (std_count, tokio_count) = both_fixes_spawn(100);
    section.check(
        std_count == 100 && tokio_count == 100,
        phrase!(
            "the block scope and the tokio Mutex compile, spawn and count {} and {}",
            std_count,
            tokio_count
        ),
    );
    let runtime = current_thread();
    let (std_counter, tokio_counter) = (Mutex::new(0), tokio::sync::Mutex::new(0));
    let runs = interleaved(
        reps,
        vec![
            Variant::new("std::sync::Mutex", || {
                runtime.block_on(std_increments(&std_counter, ops))
            }),
            Variant::new("tokio::sync::Mutex", || {
                runtime.block_on(tokio_increments(&tokio_counter, ops))
            }),
        ],
    );
    let total = ops * reps as u64;
    section.check(
        *std_counter.lock().unwrap() == total && *tokio_counter.blocking_lock() == total,
        phrase!("both counters reached {} ({} runs of {})", total, reps, ops),
    );
    let per_op: Vec<f64> = runs
        .iter()
        .map(|r| r.min_wall().as_secs_f64() / ops as f64)
        .collect();
    let mut table = Table::new(&[("mutex", "Mutex"), ("per_op_s", "lock, add, unlock")]);
    for (r, cost) in runs.iter().zip(&per_op) {
        table.row(vec![
            r.name.as_str().into(),
            Measured::Seconds(*cost).into(),
        ]);
    }
    section.table(
        "Measured (uncontended, one task; the fastest of the runs)",
        table,
    );
    section.verdict(phrase!(
        "The tokio Mutex cost {} a std Mutex's time per lock here. Use the std Mutex (or \
         parking_lot's) for short critical sections with no .await inside; the tokio Mutex when \
         the guard must be held across an .await, such as around an open connection.",
        Measured::Ratio(per_op[1] / per_op[0])
    ));
    section
}
