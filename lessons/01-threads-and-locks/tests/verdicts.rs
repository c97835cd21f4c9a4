//! Speedup verdicts asserted against this machine, not against fixed times.
//!
//! Timing tests share the machine with nothing else in this binary: every test here takes one lock,
//! so they run one at a time. Each measures interleaved repetitions with the machine's capacity
//! probed between them, judges them as the lesson does (one thread's minimum over each variant's
//! median), and measures again (up to five times in all) before failing. Speed is judged only when
//! the machine was free: a noisy moment or another busy program cannot fail the build, while a
//! real loss of speedup on a free machine still does.

use std::sync::Mutex;

use lesson_01_threads_and_locks::counter::{
    INCREMENTS, THREADS, count_with_atomic, count_with_parking_lot, count_with_racy_load_store,
    count_with_std_mutex, tally,
};
use lesson_01_threads_and_locks::cpu_work::measure_cpu_variants;
use lesson_kit::capacity::Capacity;
use lesson_kit::measure::agreed_result;
use lesson_kit::snapshot::judge_when_free;
use lesson_kit::speedup::{Speedup, compare};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Primes below this: big enough that thread start-up is noise, small enough for a debug build.
const LIMIT: u64 = 400_000;
const WORKERS: usize = 2;

/// Speedups of scoped threads, rayon and the GIL simulator over one thread, from one measurement,
/// and the capacity measured with them. Every variant must count right, whatever the machine.
fn speedups() -> (Capacity, [Speedup; 3]) {
    let measured = measure_cpu_variants(LIMIT, WORKERS, 3);
    assert_eq!(
        agreed_result(&measured.runs),
        Ok(33_860),
        "every variant must count 33860 primes"
    );
    // Judged as the lesson judges them: one thread's minimum over each variant's median.
    let comparison = compare(
        &measured.runs,
        WORKERS,
        &measured.capacity,
        "threads",
        String::new(),
    );
    let s = &comparison.speedups;
    (comparison.capacity, [s[1], s[2], s[3]])
}

/// A clear margin: 65% of the ideal (1.3x on 2 free cores). One thread doing all the work, or
/// threads that wait for each other, stay near 1x.
fn clear(name: &str, s: &Speedup) -> Result<(), String> {
    if s.efficiency() >= 0.65 {
        Ok(())
    } else {
        Err(format!(
            "{name} reached only {:.2}x of {:.2}x",
            s.ratio, s.ideal
        ))
    }
}

#[test]
fn threads_beat_one_thread_by_a_clear_margin() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    judge_when_free("threads beat one thread", || {
        let (capacity, [threads, rayon, _]) = speedups();
        let verdict = clear("scoped threads", &threads).and(clear("rayon", &rayon));
        (capacity, verdict)
    });
}

#[test]
fn the_gil_simulator_gives_no_real_speedup() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // Python's result: threads under a GIL are no faster than one thread.
    judge_when_free("the GIL gives no speedup", || {
        let (capacity, [_, _, gil]) = speedups();
        let verdict = if gil.ratio < 1.25 {
            Ok(())
        } else {
            Err(format!(
                "the GIL simulator ran {:.2}x faster than one thread: is the GIL held?",
                gil.ratio
            ))
        };
        (capacity, verdict)
    });
}

#[test]
fn locks_and_atomics_never_lose_an_update() {
    // Not a timing test, but its threads would steal cores from one.
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    for count in [
        count_with_std_mutex,
        count_with_parking_lot,
        count_with_atomic,
    ] {
        let t = tally(50, count);
        assert_eq!(
            t.exact,
            50,
            "lowest count {} of {}",
            t.lowest,
            THREADS * INCREMENTS
        );
    }
}

#[test]
fn the_racy_counter_loses_updates_when_threads_overlap() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // Overlap needs two threads running at once: judged only when two cores are free.
    judge_when_free("the racy counter loses updates", || {
        let capacity = Capacity::now(WORKERS);
        let t = tally(200, count_with_racy_load_store);
        let verdict = if t.exact < 200 {
            Ok(())
        } else {
            Err("200 trials of the racy counter lost no update: do the threads overlap?".into())
        };
        (capacity, verdict)
    });
}
