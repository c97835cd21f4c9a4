//! Experiment 6's report: the pipelines run interleaved, checked, tabled and judged.

use lesson_kit::measure::{Runs, Variant, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use super::{CAPACITY, ITEMS, Run, Tasks, pipeline, runtime, with_threads};
use crate::items::{count_of, expected_checksum};

/// Shows tokio's tasks producing the threads' result, what holding the lock across the I/O does,
/// and the forgotten Sender hanging the tasks too.
pub fn async_counterpart(consumers: usize, reps: usize) -> Section {
    let mut section = Section::new("async", "The async counterpart").about(&format!(
        "The same pipeline as tasks: one producer, {} sharing a tokio::sync::mpsc receiver behind \
         tokio's Mutex, a channel bounded at {CAPACITY}, {ITEMS} items, each awaiting a moment of \
         I/O, on a single-threaded tokio runtime. Beside it, threads with crossbeam's bounded \
         channel, and the tasks written with the guard held through the I/O. Then the tasks \
         again, with a Sender forgotten.",
        count_of(consumers, "consumer task")
    ));
    // Built once: the runs time the pipelines, not the building of a runtime.
    let tokio = runtime();
    let ways = [
        ("threads, crossbeam::bounded", None),
        ("tasks, lock held for recv", Some(Tasks::LockForRecv)),
        (
            "tasks, lock held through I/O",
            Some(Tasks::LockHeldThroughIo),
        ),
    ];
    let variants = ways
        .iter()
        .map(|&(name, tasks)| {
            let tokio = &tokio;
            Variant::new(name, move || match tasks {
                None => with_threads(ITEMS, consumers),
                Some(how) => tokio.block_on(pipeline(ITEMS, consumers, how)),
            })
        })
        .collect();
    let runs = interleaved(reps, variants);
    let forgotten = tokio.block_on(pipeline(ITEMS, consumers, Tasks::SenderForgotten));
    drop(tokio);

    check_results(&mut section, &runs, reps);
    check_forgotten(&mut section, &forgotten);
    section.table(
        &format!(
            "Measured ({reps} interleaved runs each, from starting the consumers to the last one's \
             end; the runtime is built once, outside)"
        ),
        table(&runs, consumers),
    );
    let most = |r: &Runs<Run>| Measured::Count(most_in_io(r) as u64);
    section.verdict(phrase!(
        "The guard of tokio's Mutex is made to be held across an .await: held across recv().await \
         only, up to {} consumer tasks awaited their I/O at once. Held through the I/O as well \
         (the while let form), at most {}: the trap of experiment 1, in a task.",
        most(&runs[1]),
        most(&runs[2])
    ));
    section.verdict(
        "The same pattern, the same result: a bounded channel for backpressure, and the channel \
         closing when the last Sender is dropped to end the consumers. In a task, a full channel \
         makes send().await wait without blocking the thread; the runtime runs the consumers \
         meanwhile.",
    );
    section.verdict(
        "asyncio's join() hangs on pills never marked done; the Rust tasks hang on a Sender never \
         dropped. Both wait for something that never comes; a timeout turns the wait into a report.",
    );
    section
}

/// The most consumers awaiting I/O at once, in any run.
fn most_in_io(runs: &Runs<Run>) -> usize {
    runs.results
        .iter()
        .filter_map(|r| r.most_in_io)
        .max()
        .unwrap_or(0)
}

fn check_results(section: &mut Section, runs: &[Runs<Run>], reps: usize) {
    let correct = |run: &Run| run.tally.exactly_once() && run.checksum == expected_checksum(ITEMS);
    for r in runs {
        section.check(
            r.results.iter().all(correct),
            phrase!(
                "{}: each of the {} items consumed exactly once, in all {} runs (checksum checked)",
                r.name.as_str(),
                ITEMS,
                reps
            ),
        );
    }
    section.check(
        runs.iter()
            .flat_map(|r| &r.results)
            .all(|run| run.peak_backlog <= CAPACITY),
        phrase!(
            "every run kept the backlog within the capacity of {}",
            CAPACITY
        ),
    );
    let (held, for_recv) = (most_in_io(&runs[2]), most_in_io(&runs[1]));
    let consumers = runs[1]
        .results
        .first()
        .map_or(0, |r| r.tally.per_consumer.len());
    section.check(
        held == 1 && for_recv == consumers,
        phrase!(
            "{}: at most {} consumer awaiting I/O at a time; {}: {} at once",
            runs[2].name.as_str(),
            held,
            runs[1].name.as_str(),
            for_recv
        ),
    );
}

fn check_forgotten(section: &mut Section, forgotten: &Run) {
    match &forgotten.hang {
        Some(hang) => section.check(
            forgotten.tally.exactly_once(),
            phrase!(
                "tasks, a Sender forgotten: hang detected by tokio::time::timeout: {}; ended by \
                 dropping it, and every task finished",
                hang.as_str()
            ),
        ),
        None => section.check(
            false,
            "tasks, a Sender forgotten: no hang where one was expected",
        ),
    }
}

fn table(runs: &[Runs<Run>], consumers: usize) -> Table {
    let mut table = Table::new(&[
        ("way", "way"),
        ("consumers", "consumers"),
        ("items_per_consumer", "items per consumer (last run)"),
        ("most_in_io", "most in I/O at once"),
        ("peak_backlog", "peak backlog"),
        ("producer_waits", "producer waited"),
        ("median_s", "median"),
        ("min_s", "min"),
        ("max_s", "max"),
    ]);
    for r in runs {
        let Some(last) = r.results.last() else {
            continue;
        };
        let slowest = r.samples.iter().map(|s| s.wall).max().unwrap_or_default();
        table.row(vec![
            r.name.as_str().into(),
            consumers.into(),
            Measured::Varies(last.tally.distribution()).into(),
            last.most_in_io
                .map_or("-".into(), |_| Measured::Count(most_in_io(r) as u64).into()),
            Measured::Count(last.peak_backlog as u64).into(),
            Measured::Count(last.producer_waits).into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(slowest).into(),
        ]);
    }
    table
}
