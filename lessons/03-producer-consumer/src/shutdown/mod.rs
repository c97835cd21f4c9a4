//! Experiment 3, shutting down: how do the consumers learn that no more items will come?
//!
//! Python sends a *poison pill* (`None`), one per consumer. Rust has a second way, its idiom:
//! a channel *closes* when its last `Sender` is dropped, and a consumer's `for item in rx` ends
//! once the queue is empty. Both work when everything goes well. This experiment runs each one
//! when something goes wrong, a sender forgotten or the consumers panicking, and replays the
//! asyncio pitfall, `join()` waiting for pills that are never marked done. Where the run hangs,
//! the [watchdog](crate::watchdog) detects it, the lesson says why, and ends it the way the fix
//! would, so that no thread is left behind.
//!
//! Each scenario is one function: `closing.rs` holds the Rust idiom's, `pills.rs` Python's, and
//! `harness.rs` what they all need around their idea (counting, watching, joining).

use lesson_kit::measure::threads_around;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Phrase, Section, phrase};

use crate::items::{Tally, count_of};
use crate::watchdog::QUIET;

mod closing;
mod harness;
mod pills;
pub use closing::{close_by_dropping_senders, close_when_consumers_panic, forgotten_sender};
pub use pills::{
    join_waits_for_pills, pills_when_consumers_panic, poison_pills, poison_pills_sender_forgotten,
};

/// Items per scenario.
pub const ITEMS: u64 = 1_000;
/// In the scenarios where the consumers panic, the input turns bad here: this item and every
/// later one is malformed, as when a file is corrupt from some point on.
pub const FIRST_MALFORMED: u64 = 500;
/// The bounded queues' capacity.
pub const CAPACITY: usize = 16;

fn is_malformed(item: u64) -> bool {
    item >= FIRST_MALFORMED
}

/// How a scenario ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub scenario: &'static str,
    /// Which items each consumer processed (a consumer that panicked reports none).
    pub tally: Tally,
    /// Items processed, counted as they were: panicked consumers' items included.
    pub processed: u64,
    /// What the watchdog saw when nothing moved any more, if the run hung.
    pub hang: Option<String>,
    /// How the run ended: by itself, or by what the lesson did after detecting the hang.
    pub ended_by: &'static str,
    /// What the consumers that panicked said, as `join()` reported it.
    pub panics: Vec<String>,
    /// What the producer learned, if a send or put failed.
    pub producer: Option<&'static str>,
    /// Items (and pills) the producer got into the queue.
    pub sent: u64,
}

/// A scenario: run with this many consumers, it tells how it ended.
pub type Scenario = fn(usize) -> Outcome;

/// The scenarios, in the order the experiment prints them, and what each should do.
pub fn scenarios() -> [(Scenario, Expect); 7] {
    [
        (close_by_dropping_senders, Expect::Clean),
        (poison_pills, Expect::Clean),
        (forgotten_sender, Expect::Hang),
        (poison_pills_sender_forgotten, Expect::Clean),
        (close_when_consumers_panic, Expect::NoHangButLoss),
        (pills_when_consumers_panic, Expect::Hang),
        (join_waits_for_pills, Expect::Hang),
    ]
}

/// What a scenario is there to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Every item consumed exactly once, no hang.
    Clean,
    /// A hang the watchdog must detect.
    Hang,
    /// The consumers died; the producer must find out without hanging.
    NoHangButLoss,
}

impl Outcome {
    /// Did the scenario do what it is there to show?
    pub fn as_expected(&self, expect: Expect) -> bool {
        match expect {
            Expect::Clean => self.hang.is_none() && self.tally.exactly_once(),
            Expect::Hang => self.hang.is_some() && self.panics_only_on_malformed_items(),
            Expect::NoHangButLoss => {
                self.hang.is_none() && !self.panics.is_empty() && self.producer.is_some()
            }
        }
    }

    fn panics_only_on_malformed_items(&self) -> bool {
        self.panics.iter().all(|p| p.starts_with("malformed item"))
    }

    fn consumed(&self) -> u64 {
        self.processed
    }
}

/// The scenario's result line: exact facts, and the one number that varies redacted.
fn describe(outcome: &Outcome, expect: Expect) -> Phrase {
    let panicked = if outcome.panics.is_empty() {
        String::new()
    } else {
        format!(
            "; {} panicked ({}); {} of {ITEMS} items processed",
            count_of(outcome.panics.len(), "consumer"),
            outcome.panics.join(", "),
            outcome.consumed()
        )
    };
    match (&outcome.hang, expect) {
        (Some(hang), _) => phrase!(
            "{}: hang detected: {}; ended by {}{}",
            outcome.scenario,
            hang,
            outcome.ended_by,
            panicked
        ),
        (None, Expect::Clean) if outcome.tally.exactly_once() => phrase!(
            "{}: each of the {} items consumed exactly once; the consumers ended by themselves",
            outcome.scenario,
            ITEMS
        ),
        (None, Expect::Clean) => phrase!(
            "{}: {}",
            outcome.scenario,
            Measured::Varies(outcome.tally.problems())
        ),
        (None, Expect::Hang) => phrase!(
            "{}: no hang where one was expected{}",
            outcome.scenario,
            panicked
        ),
        (None, Expect::NoHangButLoss) => phrase!(
            "{}: no hang: {}, after {} items were sent{}",
            outcome.scenario,
            outcome.producer.unwrap_or("the producer never noticed"),
            Measured::Count(outcome.sent),
            panicked
        ),
    }
}

/// Runs each way of shutting down, in good and bad cases, and checks that no thread is left.
pub fn shutdown(consumers: usize) -> Section {
    let mut section = Section::new("shutdown", "Shutting down").about(&format!(
        "{ITEMS} items, {}. Poison pills against closing the channel by dropping \
         every Sender, when all goes well, when a Sender is forgotten, and when the consumers \
         panic (items from {FIRST_MALFORMED} on are malformed); then asyncio's join() pitfall. \
         A hang is detected when nothing moves for {}, then ended.",
        count_of(consumers, "consumer"),
        lesson_kit::value::format_duration(QUIET)
    ));
    let (outcomes, threads) = threads_around(|| {
        let runs = scenarios().into_iter();
        runs.map(|(run, expect)| (run(consumers), expect))
            .collect::<Vec<_>>()
    });
    let mut table = Table::new(&[
        ("scenario", "scenario"),
        ("consumed", "consumed"),
        ("hang", "hang detected"),
        ("ended_by", "ended by"),
        ("panics", "consumers panicked"),
    ]);
    for (outcome, expect) in outcomes {
        let ok = outcome.as_expected(expect);
        section.check(ok, describe(&outcome, expect));
        table.row(vec![
            outcome.scenario.into(),
            outcome.consumed().into(),
            if outcome.hang.is_some() { "yes" } else { "no" }.into(),
            outcome.ended_by.into(),
            outcome.panics.len().into(),
        ]);
    }
    let (before, after) = threads.map_or((0, 0), |t| (t.before, t.after));
    section.check(
        before == after,
        phrase!(
            "no thread left behind: threads before the scenarios {}, after {}",
            Measured::Count(before as u64),
            Measured::Count(after as u64)
        ),
    );
    section.table("What happened", table);
    section.verdict(
        "Closing is the Rust idiom: no special item, no count of consumers to get right, and it \
         works in both directions. When every Sender is gone the consumers stop; when every \
         Receiver is gone send() fails, so a producer cannot wait forever for consumers that died.",
    );
    section.verdict(
        "Its one trap is a Sender kept alive by mistake: the consumers then wait forever. Pills \
         do not care about a forgotten Sender, but they hang when the consumers die (put() on a \
         full queue nobody empties) and in asyncio's pattern (join() waiting for pills never \
         marked done).",
    );
    section
}
