//! Experiment 1, fan-out: one producer hands items to several consumers.
//!
//! Python's `queue.Queue` lets any number of threads call `get()`. In Rust the channel decides:
//! `crossbeam-channel` is multi-producer *multi*-consumer, so every consumer holds its own clone of
//! the receiver. `std::sync::mpsc` is multi-producer *single*-consumer: its receiver cannot be
//! cloned, so several consumers must share it behind a lock, and that lock becomes part of the
//! queue, with a trap in how long the guard lives.

use std::collections::HashMap;
use std::time::Duration;

use lesson_kit::measure::{LastRun, Runs, Variant, interleaved_probed};
use lesson_kit::speedup::Speedup;
use lesson_kit::table::Table;
use lesson_kit::timeline::{Recorder, Timeline};
use lesson_kit::{Measured, Section, phrase};

use crate::items::{Tally, count_of};
use crate::work_log::most_at_once;

mod ways;
pub use ways::{
    fan_out_crossbeam, fan_out_guard_held_during_work, fan_out_std_one_consumer,
    fan_out_std_shared_receiver,
};

/// Items per run, and the work each one costs: enough to see consumers share the work.
pub const ITEMS: u64 = 1_000;
pub const COST: Duration = Duration::from_micros(20);

/// What one run of a way gave: the items each consumer took, and the most consumers that were
/// working at the same moment (from the timeline).
#[derive(Debug, Clone)]
pub struct Consumed {
    pub taken: Vec<Vec<u64>>,
    pub most_at_once: usize,
}

/// A way to fan out: its name, its consumers, the function, and the figure it keeps, if any
/// (file, title, caption).
struct Way {
    name: &'static str,
    consumers: usize,
    run: fn(u64, usize, &Recorder) -> Vec<Vec<u64>>,
    /// `(file name, title)` of the timeline kept for the report.
    figure: Option<(&'static str, &'static str, &'static str)>,
}

/// The four ways, run interleaved: what each consumer took in every run, and two timelines.
pub struct FanOutRuns {
    pub runs: Vec<Runs<Consumed>>,
    pub consumers: Vec<usize>,
    pub crossbeam_timeline: Timeline,
    pub guard_held_timeline: Timeline,
    /// What the machine gave the consumers' threads while they ran.
    pub capacity: lesson_kit::capacity::Capacity,
}

/// Runs the four ways `reps` times each, interleaved. Every run records a timeline (so all pay
/// the same for it); the last run's is kept for the two ways shown as figures.
pub fn measure_fan_out(consumers: usize, reps: usize) -> FanOutRuns {
    let ways = [
        Way {
            name: "std::mpsc, one consumer",
            consumers: 1,
            run: |items, _, timeline| fan_out_std_one_consumer(items, timeline),
            figure: None,
        },
        Way {
            name: "crossbeam (MPMC)",
            consumers,
            run: fan_out_crossbeam,
            figure: Some((
                "crossbeam-timeline",
                "crossbeam: each row a consumer, shaded while it works on items",
                "Both consumers work at the same time: each takes the next item from the channel.",
            )),
        },
        Way {
            name: "std::mpsc, Mutex<Receiver>",
            consumers,
            run: fan_out_std_shared_receiver,
            figure: None,
        },
        Way {
            name: "std::mpsc, guard held during work",
            consumers,
            run: fan_out_guard_held_during_work,
            figure: Some((
                "guard-held-timeline",
                "Guard held during work: the consumers take turns",
                "Never two stripes at once: the consumer holding the lock works, the other waits.",
            )),
        },
    ];
    let rows: Vec<String> = (0..consumers).map(|c| format!("consumer {c}")).collect();
    let kept: Vec<LastRun<Timeline>> = ways.iter().map(|_| LastRun::new()).collect();
    let variants = ways
        .iter()
        .zip(&kept)
        .map(|(way, kept)| {
            let rows = &rows;
            Variant::new(way.name, move || {
                let recorder = Recorder::new();
                let taken = (way.run)(ITEMS, way.consumers, &recorder);
                let (file, title, caption) = way.figure.unwrap_or(("", "", ""));
                let mut timeline = recorder.finish(file, title, rows.clone());
                if way.figure.is_some() {
                    timeline = timeline.with_caption(caption);
                }
                let most_at_once = most_at_once(&timeline);
                if way.figure.is_some() {
                    kept.keep(timeline);
                }
                Consumed {
                    taken,
                    most_at_once,
                }
            })
        })
        .collect();
    let (runs, capacity) = interleaved_probed(reps, consumers, variants);
    let mut kept: HashMap<&str, Timeline> = (ways.iter().zip(kept))
        .filter_map(|(way, kept)| Some((way.figure?.0, kept.into_inner()?)))
        .collect();
    FanOutRuns {
        runs,
        consumers: ways.iter().map(|w| w.consumers).collect(),
        crossbeam_timeline: kept.remove("crossbeam-timeline").expect("one repetition"),
        guard_held_timeline: kept.remove("guard-held-timeline").expect("one repetition"),
        capacity,
    }
}

/// The slowest run: with the minimum and the median, the spread of the runs.
fn max_wall<T>(runs: &Runs<T>) -> Duration {
    runs.samples
        .iter()
        .map(|s| s.wall)
        .max()
        .unwrap_or_default()
}

/// Shows that one producer can feed several consumers with every item consumed exactly once, how
/// the work is shared out, and why a receiver shared behind a lock is worse than an MPMC channel.
pub fn fan_out(consumers: usize, reps: usize) -> Section {
    let mut section = Section::new("fan-out", "One producer, several consumers").about(&format!(
        "One producer sends the items 0..{ITEMS} to {}; each item costs {} of \
         work. Four ways: std::mpsc with its one consumer, crossbeam's multi-consumer channel, \
         std::mpsc with the receiver shared behind a Mutex, and the same with the lock held during \
         the work.",
        count_of(consumers, "consumer"),
        lesson_kit::value::format_duration(COST)
    ));
    let measured = measure_fan_out(consumers, reps);
    let baseline = measured.runs[0].median_wall();
    section.capacity(&measured.capacity);
    let mut table = Table::new(&[
        ("variant", "variant"),
        ("consumers", "consumers"),
        ("items_per_consumer", "items per consumer (last run)"),
        ("most_at_once", "most working at once"),
        ("median_s", "median"),
        ("min_s", "min"),
        ("max_s", "max"),
        ("speedup", "speedup"),
        ("of_ideal", "of ideal"),
    ]);
    for (r, &n) in measured.runs.iter().zip(&measured.consumers) {
        let tallies: Vec<Tally> = r
            .results
            .iter()
            .map(|c| Tally::of(ITEMS, &c.taken))
            .collect();
        let most_at_once = r.results.iter().map(|c| c.most_at_once).max().unwrap_or(0);
        match tallies.iter().find(|t| !t.exactly_once()) {
            None => section.check(
                true,
                phrase!(
                    "{}: each of the {} items consumed exactly once, in all {} runs",
                    r.name.as_str(),
                    ITEMS,
                    reps
                ),
            ),
            Some(bad) => section.check(
                false,
                phrase!("{}: {}", r.name.as_str(), Measured::Varies(bad.problems())),
            ),
        }
        let speedup = Speedup::judged(baseline, r.median_wall(), n, &measured.capacity);
        let last = tallies.last().map(Tally::distribution).unwrap_or_default();
        table.row(vec![
            r.name.as_str().into(),
            n.into(),
            Measured::Varies(last).into(),
            Measured::Count(most_at_once as u64).into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(max_wall(r)).into(),
            Measured::Ratio(speedup.ratio).into(),
            Measured::Share(speedup.efficiency()).into(),
        ]);
        let guard_held = std::ptr::eq(r, measured.runs.last().expect("runs"));
        if guard_held {
            // Built to take turns: about 1x, at times under 0.8x; both read "no real speedup".
            section.verdict(speedup.verdict_no_gain_expected(&r.name, "one consumer"));
        } else if n > 1 {
            // At 20 µs an item a debug build reaches about 89% of the ideal (release 97%): at the
            // edge between "most of the ideal" and "close to the ideal", so those words vary.
            section.verdict(speedup.verdict_near_90_percent(&r.name, "one consumer"));
        }
    }
    if let Some(held) = measured.runs.last() {
        let most = held
            .results
            .iter()
            .map(|c| c.most_at_once)
            .max()
            .unwrap_or(0);
        section.check(
            most <= 1,
            phrase!(
                "{}: never more than 1 consumer working at a time, in all {} runs (from the \
                 timeline: no two items' work overlapped)",
                held.name.as_str(),
                reps
            ),
        );
    }
    section.table(
        &format!(
            "Measured ({reps} interleaved runs each; speedup over one consumer, from the medians)"
        ),
        table,
    );
    section.verdict(
        "Why: a guard that lives through the work (the `while let` form) lets one consumer work \
         at a time; the timeline shows them taking turns. Taken only for the receive, the lock \
         costs little next to the work; the throughput experiment shows what it costs when the \
         items are small. crossbeam's receivers need no lock of yours at all.",
    );
    section.timeline(measured.crossbeam_timeline);
    section.timeline(measured.guard_held_timeline);
    section
}
