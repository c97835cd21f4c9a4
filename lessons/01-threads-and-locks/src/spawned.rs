//! Experiment 2, threads that outlive their caller: `thread::spawn`, `move` and `Arc<Mutex<T>>`.
//!
//! Python's `threading.Thread(target=worker, args=(counter, 1000))` starts a thread that runs for
//! as long as it likes; the garbage collector keeps `counter` alive for it. `thread::spawn` also
//! starts a thread that may outlive the function that started it, so Rust asks the closure to own
//! everything it uses (`F: 'static`): it may not borrow a local. `move` hands the closure what it
//! uses; `Arc` makes "its own" counter a shared one, freed when the last owner lets go.

use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use lesson_kit::measure::threads_around;
use lesson_kit::{Measured, Section, phrase};

use crate::counter::{INCREMENTS, THREADS};

// ANCHOR: spawned
/// Starts the threads and returns at once, while they may still be counting, as a Python
/// function that calls `Thread(target=...).start()` does. Each thread owns a clone of the `Arc`,
/// so the counter lives as long as the last thread that uses it, however long that is.
pub fn start_counting(threads: usize, increments: usize) -> (Arc<Mutex<u64>>, Vec<JoinHandle<()>>) {
    let counter = Arc::new(Mutex::new(0));
    let handles = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..increments {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    (counter, handles)
}
// ANCHOR_END: spawned

/// What became of the spawned threads and their counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Threads not yet finished when `start_counting` had returned.
    pub still_running: usize,
    /// The count once every thread was joined.
    pub total: u64,
    /// Owners of the counter after the joins: 1 (ours) when every thread dropped its clone.
    pub owners_after_join: usize,
}

/// Starts the counting threads, looks at them once their starter has returned, joins them.
pub fn count_with_spawned_threads(threads: usize, increments: usize) -> Outcome {
    // ANCHOR: join
    let (counter, handles) = start_counting(threads, increments);
    let still_running = handles.iter().filter(|h| !h.is_finished()).count();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    let owners_after_join = Arc::strong_count(&counter);
    let total = *counter.lock().unwrap();
    // ANCHOR_END: join
    Outcome {
        still_running,
        total,
        owners_after_join,
    }
}

/// The spawned thread that borrows a local, and rustc's message about it. The compile-fail test
/// (`lesson-01-compile-fail`) fails if either stops being true.
pub const SPAWN_BORROW_CODE: &str = include_str!("../compile-fail/cases/spawn_borrows_local.rs");
pub const SPAWN_BORROW_ERROR: &str =
    include_str!("../compile-fail/cases/spawn_borrows_local.stderr");

/// Shows Python's `threading.Thread(target=...)` in Rust: threads that outlive the function that
/// started them, the `Arc` that lets them share a counter, and the borrow that does not compile.
pub fn spawned_threads() -> Section {
    let mut section = Section::new("spawned-threads", "Threads that outlive their caller").about(
        "Python's threading.Thread(target=...) in Rust: a function starts 10 threads with \
             thread::spawn and returns while they run; each owns a clone of an \
             Arc<Mutex<u64>> and adds 1 to it 1000 times; then the caller joins them.",
    );
    let (outcome, threads) = threads_around(|| count_with_spawned_threads(THREADS, INCREMENTS));
    let expected = (THREADS * INCREMENTS) as u64;
    section.result(phrase!(
        "when the starting function returned, {} of its {} threads were still running",
        Measured::Count(outcome.still_running as u64),
        THREADS
    ));
    section.check(
        outcome.total == expected,
        phrase!(
            "after joining all {} threads the counter is {} (expected {})",
            THREADS,
            outcome.total,
            expected
        ),
    );
    section.check(
        outcome.owners_after_join == 1,
        phrase!(
            "owners of the counter after the joins: {} (each thread's clone of the Arc was dropped \
             when the thread ended)",
            outcome.owners_after_join
        ),
    );
    match threads {
        Some(threads) => section.check(
            threads.none_left(),
            phrase!(
                "threads in this process: {} before, {} after: none outlived the joins",
                Measured::Count(threads.before as u64),
                Measured::Count(threads.after as u64)
            ),
        ),
        _ => section.result("this system does not report its thread count; joins checked only"),
    }
    section.listing(
        "The same threads borrowing a local counter instead of sharing an Arc do not compile:",
        SPAWN_BORROW_CODE.trim_end(),
    );
    section.listing("rustc says:", SPAWN_BORROW_ERROR.trim_end());
    section.verdict(
        "thread::spawn takes only a closure that owns what it uses ('static), because the thread \
         may outlive its caller; Arc<Mutex<T>> gives every thread an owner's share of one counter.",
    );
    section.verdict(
        "When the threads end before the function returns, thread::scope is the better tool: they \
         borrow locals, with no Arc, no clones and no forgotten join.",
    );
    section
}
