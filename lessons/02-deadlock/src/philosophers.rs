//! Experiment 3: the dining philosophers, the classic deadlock, and what it takes to eat together.
//!
//! N philosophers sit round a table with one fork between each pair. To eat, a philosopher needs
//! both forks beside it. If each picks up the fork on its left and then reaches for the one on
//! its right, and all do so at once, each holds one fork and waits for its neighbour's: a cycle
//! through the whole table. Experiment 1 was the same cycle with two threads.
//!
//! The fix is a lock order: number the forks and always pick up the lower number first. Every
//! philosopher but the last then takes its left fork first; the last one's forks are N-1 and 0,
//! so it reaches for fork 0 first, against the flow, and the cycle cannot close.
//!
//! Deadlock-free is not yet a dinner where philosophers eat together. Under the lock order a
//! waiting philosopher still holds one fork while it waits for the other (*hold and wait*), so one
//! eater can keep the whole table waiting in a chain behind it; and a plain unlock lets the
//! philosopher who just ate take its forks straight back. Two more dinners remove one cause each:
//! forks put down with a fair unlock, and forks taken both at once or not at all.
//!
//! The [`Table`] hands out forks through the watchdog's wait-for graph and holds the window open
//! at the start: after taking a fork, a philosopher waits until every philosopher holds a fork or
//! waits for a taken one. So a dinner that can deadlock does, on every run.

mod report;
mod table;

use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::timeline::Timeline;

use crate::watchdog::{Cancelled, Stuck, watched};

pub use report::dining_philosophers;
pub use table::{Fork, Table};

/// A philosopher's dinner: `dine(table, me, meals)` eats `meals` meals as philosopher `me`.
pub type Dine = fn(&Table, usize, usize) -> Result<(), Cancelled>;

/// How a dinner went.
#[derive(Debug, Clone)]
pub struct Dinner {
    /// Meals each philosopher ate.
    pub meals: Vec<usize>,
    /// Meals each had eaten when the first philosopher finished all of its own (fairness).
    pub when_first_finished: Vec<usize>,
    /// The longest each philosopher waited for forks between meals.
    pub longest_wait: Vec<Duration>,
    /// What the watchdog found, if the dinner got stuck.
    pub stuck: Option<Stuck>,
    pub elapsed: Duration,
    /// Each row a philosopher, a span while eating.
    pub timeline: Timeline,
}

// ANCHOR: dinner
/// Seats `seats` philosophers, each on its own thread running `dine`, under the watchdog. Every
/// thread is joined before this returns, whether the dinner finished or was called off.
pub fn dinner(seats: usize, meals: usize, eating: Duration, dine: Dine) -> Dinner {
    let table = Table::new(seats, meals, eating);
    let started = Instant::now();
    let (_, stuck) = watched(&table.graph, || {
        thread::scope(|s| {
            let philosophers: Vec<_> = (0..seats)
                .map(|me| {
                    let table = &table;
                    s.spawn(move || dine(table, me, meals))
                })
                .collect();
            for philosopher in philosophers {
                // A philosopher's panic (eating with the wrong forks, say) is passed on.
                if let Err(panic) = philosopher.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        })
    });
    // ANCHOR_END: dinner
    let elapsed = started.elapsed();
    let meals_eaten = table.meals();
    let when_first_finished = table
        .when_first_finished
        .get()
        .cloned()
        .unwrap_or_else(|| meals_eaten.clone());
    let longest_wait = table.seats.iter().map(|s| s.lock().longest_wait).collect();
    let rows = (0..seats).map(|p| format!("philosopher {p}")).collect();
    // A stripe is a meal, so the figure's legend says "eating", not the kit's "working".
    let timeline = table
        .timeline
        .finish(
            "timeline",
            "Each row a philosopher, a bar while it eats",
            rows,
        )
        .with_stripe("eating");
    Dinner {
        meals: meals_eaten,
        when_first_finished,
        longest_wait,
        stuck,
        elapsed,
        timeline,
    }
}

// ANCHOR: left_first
/// Every philosopher picks up the fork on its left, then the one on its right.
pub fn dine_left_first(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    for _ in 0..meals {
        let first = table.take(me, left)?;
        let second = table.take(me, right)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
// ANCHOR_END: left_first

// ANCHOR: lower_first
/// Every philosopher picks up the lower-numbered of its two forks first.
pub fn dine_lower_fork_first(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    let (low, high) = (left.min(right), left.max(right));
    for _ in 0..meals {
        let first = table.take(me, low)?;
        let second = table.take(me, high)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
// ANCHOR_END: lower_first

// ANCHOR: fair
/// Lower fork first, and every fork put down with a fair unlock: handed to the neighbour waiting
/// for it, so the philosopher who just ate cannot take it straight back.
pub fn dine_lower_first_fair(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    let (low, high) = (left.min(right), left.max(right));
    for _ in 0..meals {
        let first = table.take(me, low)?;
        let second = table.take(me, high)?;
        table.eat(me, &first, &second);
        second.put_down_fair();
        first.put_down_fair();
    }
    Ok(())
}
// ANCHOR_END: fair

// ANCHOR: both_or_none
/// Both forks or none: wait for one fork holding nothing, then take the other only if it is free;
/// if not, put the first down and wait for the busy one instead. Nobody waits holding a fork.
pub fn dine_both_or_none(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    for _ in 0..meals {
        let (mut wait_for, mut then_try) = (left.min(right), left.max(right));
        loop {
            let first = table.take(me, wait_for)?;
            if let Some(second) = table.try_take(me, then_try)? {
                table.eat(me, &first, &second);
                break;
            }
            drop(first);
            (wait_for, then_try) = (then_try, wait_for);
        }
    }
    Ok(())
}
// ANCHOR_END: both_or_none

// ANCHOR: both_or_none_fair
/// Both forks or none, and every fork put down with a fair unlock.
pub fn dine_both_or_none_fair(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    for _ in 0..meals {
        let (mut wait_for, mut then_try) = (left.min(right), left.max(right));
        loop {
            let first = table.take(me, wait_for)?;
            if let Some(second) = table.try_take(me, then_try)? {
                table.eat(me, &first, &second);
                second.put_down_fair();
                first.put_down_fair();
                break;
            }
            first.put_down_fair();
            (wait_for, then_try) = (then_try, wait_for);
        }
    }
    Ok(())
}
// ANCHOR_END: both_or_none_fair

/// How long a meal takes in the lesson's dinners.
pub const EATING: Duration = Duration::from_millis(1);

// ANCHOR: at_once
/// The most philosophers eating at the same moment, from the dinner's own timeline: every meal
/// is a span, and a sweep over their starts and ends counts how many overlap.
pub fn most_eating_at_once(timeline: &Timeline) -> usize {
    let mut edges: Vec<(Duration, i32)> = timeline
        .spans
        .iter()
        .flat_map(|span| [(span.start, 1), (span.end, -1)])
        .collect();
    edges.sort(); // at the same instant an end (-1) sorts before a start: touching is not overlap
    let (mut eating, mut most) = (0i32, 0i32);
    for (_, change) in edges {
        eating += change;
        most = most.max(eating);
    }
    most as usize
}
// ANCHOR_END: at_once

/// Pairs of neighbours whose meals overlapped: they share a fork, so there must be none.
pub fn neighbours_eating_together(timeline: &Timeline, seats: usize) -> usize {
    let spans = &timeline.spans;
    spans
        .iter()
        .enumerate()
        .flat_map(|(i, a)| spans[i + 1..].iter().map(move |b| (a, b)))
        .filter(|(a, b)| {
            let apart = a.row.abs_diff(b.row);
            let neighbours = apart == 1 || (seats > 2 && apart == seats - 1);
            neighbours && a.start < b.end && b.start < a.end
        })
        .count()
}

/// Every philosopher's total time at the table eating, as a share of the dinner: how many ate at
/// once on average.
pub fn eating_at_once_on_average(dinner: &Dinner) -> f64 {
    let eating: Duration = dinner.timeline.spans.iter().map(|s| s.end - s.start).sum();
    eating.as_secs_f64() / dinner.elapsed.as_secs_f64().max(1e-9)
}
