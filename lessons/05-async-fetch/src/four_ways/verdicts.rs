//! The four ways' verdicts in words: whether the limit, not threads or tasks, made the batch
//! fast, what each cost in CPU time, and what the blocking loop's time is made of.

use lesson_kit::capacity::Capacity;
use lesson_kit::value::format_seconds;
use lesson_kit::{Measured, Section, Segment, phrase};

use super::table::cpu_per_request;
use super::{WayRuns, ideal};
use crate::Setup;

/// Says what the runs at the largest limit show, or that a busy machine or lost URLs leave it
/// undecided, and what the blocking loop's wall time is made of.
pub(super) fn verdicts(
    section: &mut Section,
    runs: &[WayRuns],
    setup: &Setup,
    capacity: &Capacity,
) {
    let (n, delay, workers) = (setup.size, setup.delay, setup.workers);
    let Some(limit) = runs.iter().map(|r| r.results[0].0).max() else {
        return;
    };
    let named = |prefix: &str| {
        runs.iter()
            .find(|r| r.name.starts_with(prefix) && r.results[0].0 == limit)
    };
    let share = |r: &WayRuns| ideal(n, limit, delay).as_secs_f64() / r.median_wall().as_secs_f64();
    let all_ok = |r: &WayRuns| r.results.iter().all(|(_, b)| b.ok == n);
    if let (Some(pool), Some(semaphore), Some(stream)) = (
        named("thread pool"),
        named("Semaphore"),
        named("buffer_unordered"),
    ) {
        let ways = [pool, semaphore, stream];
        // The claim holds only if every way fetched everything and came near its ideal.
        let near = ways.iter().all(|r| all_ok(r) && share(r) >= NEAR_IDEAL);
        let (a, b, c) = (share(pool), share(semaphore), share(stream));
        if near {
            section.verdict(phrase!(
                "At a limit of {}, the batch reached {} of the ideal (ideal / wall) with threads, \
                 {} with the Semaphore and {} with buffer_unordered: a limit of L in flight is \
                 what makes the batch fast, whether threads or tasks do the waiting.",
                limit,
                Measured::Share(a),
                Measured::Share(b),
                Measured::Share(c)
            ));
        } else if capacity.busy() && ways.iter().all(|r| all_ok(r)) {
            section.verdict(phrase!(
                "At a limit of {}, the batch reached {} of the ideal (ideal / wall) with threads, \
                 {} with the Semaphore and {} with buffer_unordered: another program took the \
                 cores the responses needed, so this run cannot tell what held it back.",
                limit,
                Measured::Share(a),
                Measured::Share(b),
                Measured::Share(c)
            ));
        } else {
            section.verdict(phrase!(
                "At a limit of {}, the batch reached only {} of the ideal (ideal / wall) with \
                 threads, {} with the Semaphore and {} with buffer_unordered, or lost URLs: \
                 something besides the limit held it back (see the checks above).",
                limit,
                Measured::Share(a),
                Measured::Share(b),
                Measured::Share(c)
            ));
        }
        let threads = limit.min(n);
        section.verdict(phrase!(
            "The thread pool started {} threads to keep {} requests waiting; the tasks waited on \
             the runtime's {} worker threads. Client CPU per request: {} with the thread pool, \
             {} with the Semaphore's tasks. The blocking client hands every request to one \
             internal runtime thread, so that gap is the hand-over between threads, not the \
             cost of a thread against a task.",
            threads,
            threads,
            Measured::Machine(workers.to_string()),
            Measured::Seconds(cpu_per_request(pool, n).as_secs_f64()),
            Measured::Seconds(cpu_per_request(semaphore, n).as_secs_f64())
        ));
    }
    if let Some(sequential) = runs.iter().find(|r| r.results[0].0 == 1) {
        let sum = delay * n as u32;
        let wall = sequential.median_wall();
        let over = wall.as_secs_f64() - sum.as_secs_f64();
        section.check(
            all_ok(sequential) && over >= 0.0,
            phrase!(
                "The blocking loop waits for each response before it sends the next request: \
                 it took {}, the sum of the delays ({}) plus {} per request of round trip and \
                 client and server work.",
                Measured::Time(wall),
                Segment::from(format_seconds(sum.as_secs_f64())),
                Measured::Seconds(over.max(0.0) / n as f64)
            ),
        );
    }
}

/// The share of the ideal (ideal / wall) each concurrent way must reach for the verdict that the
/// limit is what makes the batch fast: half, so a busy machine does not flip it, while a batch
/// held back by something else (timeouts, a server that cannot accept) does.
pub const NEAR_IDEAL: f64 = 0.5;
