//! Part of experiment 4: where the pool's costs decide the race.
//!
//! The same total work, `sum(i * i for i in range(n))` over [`TOTAL_NUMBERS`] numbers, cut into
//! many tiny tasks, a hundred middling ones, or a few big ones. Each task costs the pool a round
//! trip; whether that is much or little depends on how long the task computes.

use std::time::Duration;

use lesson_kit::measure::{Runs, Variant, agreed_result, interleaved};
use lesson_kit::table::Table;
use lesson_kit::value::Segment;
use lesson_kit::{Measured, Section, phrase};

use crate::cpu_jobs::{Setup, sequential, with_rayon};
use crate::jobs::{Task, checksum};
use crate::pool::Pool;

/// How many times more numbers this build sums than a debug build. An optimised build sums them
/// several times faster (on an Intel Xeon: 0.59 ns a number against 2.36 ns in a debug build), and
/// at 8 million numbers its whole job took under 3 ms: too short to share out at all (release runs
/// measured rayon, too, at about 1x there, while on the squares' 27 ms it reached 2x). With 4
/// times the numbers in as many tasks, its job and each of its tasks last about as long as in a
/// debug build, so both builds show the same thing.
pub const SCALE: u64 = if cfg!(debug_assertions) {
    1
} else {
    RELEASE_SCALE
};
const RELEASE_SCALE: u64 = 4;

/// The numbers summed in all, whatever the size of the tasks.
pub const TOTAL_NUMBERS: u64 = 8_000_000 * SCALE;

/// Numbers per task: tiny, middling, big (4000, 80 and 8 tasks). Each divides [`TOTAL_NUMBERS`].
pub const TASK_SIZES: [u64; 3] = [2_000 * SCALE, 100_000 * SCALE, 1_000_000 * SCALE];

/// A number of this experiment that depends on the build (see [`SCALE`]): true, but a snapshot
/// of a debug build and the book's release recording show it redacted.
fn per_build(numbers: u64) -> Measured {
    Measured::Machine(numbers.to_string())
}

// ANCHOR: same_total
/// The whole job in tasks of `numbers` each: always [`TOTAL_NUMBERS`] numbers in all.
pub fn same_total(numbers: u64) -> Vec<Task> {
    vec![Task::SumOfSquares { n: numbers }; (TOTAL_NUMBERS / numbers) as usize]
}
// ANCHOR_END: same_total

/// One size's runs: sequential, rayon, and the pool (started beforehand), interleaved.
fn measure_size(
    tasks: &[Task],
    setup: Setup,
    threads: &rayon::ThreadPool,
    pool: &mut Pool,
) -> Vec<Runs<u64>> {
    interleaved(
        setup.reps,
        vec![
            Variant::new("sequential", || checksum(&sequential(tasks))),
            Variant::new("rayon", || checksum(&with_rayon(tasks, threads))),
            Variant::new("process pool", || {
                let outputs: Vec<_> = pool
                    .run(tasks)
                    .into_iter()
                    .map(|r| r.outcome.unwrap_or(crate::jobs::Output::Nothing))
                    .collect();
                checksum(&outputs)
            }),
        ],
    )
}

/// The verdict on one task size: who won, from the pool's speedup (the table's last column), and
/// the comparison printed beside it, a task's work against one round trip. The reason is read
/// from those two numbers, so it never says "sending cost more than doing" next to a task whose
/// work took longer than its round trip.
pub fn size_verdict(work: Duration, round_trip: Duration, speedup: f64) -> String {
    let outcome = if speedup < 0.8 {
        "the pool lost"
    } else if speedup < 1.25 {
        "about even"
    } else {
        "the pool won"
    };
    let trips = work.as_secs_f64() / round_trip.as_secs_f64().max(1e-12);
    let reason = if trips < 1.0 {
        "sending each task cost more than doing it"
    } else if trips < 2.0 {
        "each task's work took less than two round trips"
    } else if trips < 10.0 {
        "each task's work took less than ten round trips"
    } else {
        "each task's work took ten round trips or more"
    };
    // "though" when the outcome goes against what the comparison leads one to expect.
    let against = (trips >= 10.0 && speedup < 1.25) || (trips < 1.0 && speedup >= 1.25);
    let joint = if against { ", though" } else { ":" };
    format!("{outcome}{joint} {reason}")
}

/// The pool against one thread and rayon, for each task size; `round_trip` is the pool's
/// measured cost per empty task.
pub fn wins_and_losses(section: &mut Section, setup: Setup, round_trip: Duration) {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(setup.workers)
        .build()
        .expect("a rayon pool");
    let mut pool = Pool::start(setup.program, setup.workers).expect("workers start");
    let mut table = Table::new(&[
        ("task", "numbers per task"),
        ("tasks", "tasks"),
        ("total", "numbers in all"),
        ("work_per_task_s", "work per task"),
        ("sequential_s", "sequential"),
        ("rayon_s", "rayon"),
        ("pool_s", "process pool"),
        ("pool_speedup", "pool speedup"),
    ]);
    let (mut verdicts, mut agreed) = (Vec::new(), true);
    for numbers in TASK_SIZES {
        let tasks = same_total(numbers);
        let runs = measure_size(&tasks, setup, &threads, &mut pool);
        agreed &= agreed_result(&runs).is_ok();
        // One thread's work is deterministic: its minimum. Threads and processes in parallel
        // depend on scheduling luck: their median.
        let (seq, par, procs) = (
            runs[0].min_wall(),
            runs[1].median_wall(),
            runs[2].median_wall(),
        );
        let per_task = seq / tasks.len() as u32;
        let speedup = seq.as_secs_f64() / procs.as_secs_f64().max(1e-12);
        table.row(vec![
            per_build(numbers).into(),
            tasks.len().into(),
            per_build(numbers * tasks.len() as u64).into(),
            Measured::Time(per_task).into(),
            Measured::Time(seq).into(),
            Measured::Time(par).into(),
            Measured::Time(procs).into(),
            Measured::Ratio(speedup).into(),
        ]);
        verdicts.push((numbers, per_task, speedup));
    }
    pool.shutdown();
    section.check(
        agreed,
        phrase!(
            "the same {} numbers in all at every size ({}), and the same sums on one thread, on \
             rayon and on the pool, in every run",
            per_build(TOTAL_NUMBERS),
            Measured::Machine(if SCALE == 1 {
                format!("a debug build; an optimised build sums {RELEASE_SCALE} times as many")
            } else {
                format!("an optimised build: {RELEASE_SCALE} times as many as a debug build")
            })
        ),
    );
    section.table(
        &format!(
            "The same job in tasks of three sizes ({} workers, pool started beforehand; {} \
             interleaved runs: sequential by its minimum, rayon and the pool by their median)",
            setup.workers, setup.reps
        ),
        table,
    );
    for (size, (numbers, work, speedup)) in verdicts.into_iter().enumerate() {
        let words = size_verdict(work, round_trip, speedup);
        // Only the tiny tasks lose in every run. The middle and the big sizes sit near the edge
        // on 2 cores (the lesson's own thread competes with both workers): debug and release
        // builds, or a busy moment, tip them between "won" and "about even".
        let words = if size >= 1 {
            Segment::from(Measured::Varies(words))
        } else {
            Segment::from(words)
        };
        section.verdict(phrase!(
            "Tasks of {} numbers ({} of work each, against {} per round trip): the pool ran at {} \
             the speed of one thread: {}.",
            per_build(numbers),
            Measured::Time(work),
            Measured::Time(round_trip),
            Measured::Ratio(speedup),
            words
        ));
    }
    section.verdict(
        "Give a process pool few, big tasks with small messages: a task should take far longer than \
         a round trip. Python's Pool.map has chunksize for this reason. Threads pay almost nothing.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_compares_the_work_with_the_round_trip_it_prints() {
        let us = |x: f64| Duration::from_secs_f64(x * 1e-6);
        // A recorded run: 33.1 µs of work against a 29.4 µs round trip, the pool at 0.69x.
        // The work took longer than the round trip, so sending did not cost more than doing.
        let middling = size_verdict(us(33.1), us(29.4), 0.69);
        assert_eq!(
            middling,
            "the pool lost: each task's work took less than two round trips"
        );
        assert_eq!(
            size_verdict(us(0.682), us(29.4), 0.03),
            "the pool lost: sending each task cost more than doing it"
        );
        assert_eq!(
            size_verdict(us(328.0), us(29.4), 0.95),
            "about even, though each task's work took ten round trips or more"
        );
        assert_eq!(
            size_verdict(us(3000.0), us(40.0), 1.8),
            "the pool won: each task's work took ten round trips or more"
        );
    }
}
