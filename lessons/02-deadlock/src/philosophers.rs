//! Experiment 3: the dining philosophers, the classic deadlock.
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
//! The [`Table`] hands out forks through the watchdog's wait-for graph and holds the window open
//! at the start: after taking a fork, a philosopher waits until every philosopher holds a fork or
//! waits for a taken one. So a dinner that can deadlock does, on every run.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::table::Table as TextTable;
use lesson_kit::timeline::{Recorder, Timeline};
use lesson_kit::{Measured, Section, phrase};
use parking_lot::Mutex;

use crate::watchdog::{Cancelled, Held, Lock, Stuck, WaitForGraph, watched};

/// How long the opening window stays open at most, for an answer that waits somewhere the
/// watchdog cannot see (a waiter of its own, say).
const WINDOW_LIMIT: Duration = Duration::from_millis(50);

/// A fork in a philosopher's hand. It goes back on the table when dropped.
pub struct Fork<'a> {
    held: Held<'a, ()>,
}

impl Fork<'_> {
    /// The fork's number: fork `i` lies between philosophers `i - 1` and `i`.
    pub fn number(&self) -> usize {
        self.held.lock()
    }
}

/// What a philosopher did: meals eaten, and how long it waited for forks.
#[derive(Debug, Clone, Copy)]
struct Seat {
    meals: usize,
    longest_wait: Duration,
    last_meal_ended: Instant,
}

/// A table of philosophers: the forks, who ate how often, and the watchdog's graph.
pub struct Table {
    graph: WaitForGraph,
    forks: Vec<Lock<()>>,
    seats: Vec<Mutex<Seat>>,
    meals_each: usize,
    eating: Duration,
    opening_over: AtomicBool,
    when_first_finished: OnceLock<Vec<usize>>,
    timeline: Recorder,
}

impl Table {
    /// `seats` philosophers who will each eat `meals_each` meals, each meal taking `eating`.
    pub fn new(seats: usize, meals_each: usize, eating: Duration) -> Table {
        let opened = Instant::now();
        Table {
            graph: WaitForGraph::new(
                (0..seats).map(|p| format!("philosopher {p}")),
                (0..seats).map(|f| format!("fork {f}")),
            ),
            forks: (0..seats).map(|f| Lock::new(f, ())).collect(),
            seats: (0..seats)
                .map(|_| {
                    Mutex::new(Seat {
                        meals: 0,
                        longest_wait: Duration::ZERO,
                        last_meal_ended: opened,
                    })
                })
                .collect(),
            meals_each,
            eating,
            opening_over: AtomicBool::new(false),
            when_first_finished: OnceLock::new(),
            timeline: Recorder::new(),
        }
    }

    /// How many philosophers (and forks) there are.
    pub fn seats(&self) -> usize {
        self.forks.len()
    }

    /// The forks beside philosopher `me`: (left, right). The last philosopher's right fork is 0.
    pub fn forks_of(&self, me: usize) -> (usize, usize) {
        (me, (me + 1) % self.seats())
    }

    /// Philosopher `me` picks up fork `fork`, waiting while a neighbour has it. `Err(Cancelled)`
    /// means the watchdog found the table deadlocked and called the dinner off.
    pub fn take(&self, me: usize, fork: usize) -> Result<Fork<'_>, Cancelled> {
        let held = self.graph.lock(me, &self.forks[fork])?;
        self.hold_the_window_open();
        Ok(Fork { held })
    }

    /// At the start of the dinner, a philosopher who has just picked up a fork waits until every
    /// philosopher holds a fork or waits for one that is taken. Then nobody can slip through.
    fn hold_the_window_open(&self) {
        let deadline = Instant::now() + WINDOW_LIMIT;
        while !self.opening_over.load(Ordering::Acquire) {
            if self.graph.everyone_holds_or_waits()
                || Instant::now() >= deadline
                || self.graph.is_cancelled()
            {
                self.opening_over.store(true, Ordering::Release);
            } else {
                thread::sleep(Duration::from_micros(20));
            }
        }
    }

    /// Philosopher `me` eats one meal with forks `a` and `b`, which must be the two beside it.
    pub fn eat(&self, me: usize, a: &Fork, b: &Fork) {
        let (left, right) = self.forks_of(me);
        let mut have = [a.number(), b.number()];
        have.sort();
        assert_eq!(
            have,
            [left.min(right), left.max(right)],
            "philosopher {me} tried to eat with forks {} and {}; it needs forks {left} and {right}",
            a.number(),
            b.number()
        );
        let started = Instant::now();
        thread::sleep(self.eating);
        let meals = {
            let mut seat = self.seats[me].lock();
            seat.longest_wait = seat
                .longest_wait
                .max(started - seat.last_meal_ended.min(started));
            seat.meals += 1;
            seat.last_meal_ended = Instant::now();
            seat.meals
        };
        if meals == self.meals_each {
            self.when_first_finished.get_or_init(|| self.meals());
        }
        self.graph.made_progress(me);
        self.timeline.span_since(me, started);
    }

    /// Meals eaten so far, per philosopher.
    pub fn meals(&self) -> Vec<usize> {
        self.seats.iter().map(|s| s.lock().meals).collect()
    }
}

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
    let timeline = table.timeline.finish(
        "timeline",
        "Each row a philosopher, a bar while it eats",
        rows,
    );
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

/// How long a meal takes in the lesson's dinners.
pub const EATING: Duration = Duration::from_millis(1);

/// Runs the naive dinner and the ordered one, and shows who ate how much.
pub fn dining_philosophers(seats: usize, meals: usize) -> Section {
    let mut section = Section::new("philosophers", "The dining philosophers").about(&format!(
        "{seats} philosophers round a table, {seats} forks, one between each pair; each must eat \
         {meals} meals, and needs both forks beside it for each. First every philosopher picks up \
         the left fork, then the right; then every philosopher picks up the lower-numbered fork \
         first. The window is forced open: at the start, each waits until all hold a fork or wait \
         for one."
    ));
    let naive = dinner(seats, meals, EATING, dine_left_first);
    let ordered = dinner(seats, meals, EATING, dine_lower_fork_first);

    let naive_meals: usize = naive.meals.iter().sum();
    match &naive.stuck {
        Some(stuck) if stuck.is_deadlock() => {
            section.check(
                true,
                phrase!(
                    "left fork first: deadlocked, found by the watchdog after {}, with {} meals eaten",
                    Measured::Time(match stuck {
                        Stuck::Deadlock { after, .. } => *after,
                        Stuck::NoProgress { quiet_for } => *quiet_for,
                    }),
                    Measured::Count(naive_meals as u64)
                ),
            );
            section.listing("What the watchdog reported:", &stuck.lines().join("\n"));
        }
        _ => section.check(
            false,
            "left fork first: expected a deadlock with the window forced open, and saw none",
        ),
    }
    let everyone_ate = ordered.meals.iter().all(|&m| m == meals);
    section.check(
        ordered.stuck.is_none() && everyone_ate,
        phrase!(
            "lower fork first: no deadlock; all {} philosophers ate all {} meals, in {}",
            seats,
            meals,
            Measured::Time(ordered.elapsed)
        ),
    );

    let mut table = TextTable::new(&[
        ("philosopher", "philosopher"),
        ("left_first_meals", "left first: meals"),
        ("lower_first_meals", "lower first: meals"),
        ("when_first_finished", "when the first finished"),
        ("longest_wait_s", "longest wait"),
    ]);
    for p in 0..seats {
        table.row(vec![
            p.into(),
            Measured::Count(naive.meals[p] as u64).into(),
            ordered.meals[p].into(),
            Measured::Count(ordered.when_first_finished[p] as u64).into(),
            Measured::Time(ordered.longest_wait[p]).into(),
        ]);
    }
    section.table("Meals eaten per philosopher", table);

    let fewest = ordered
        .when_first_finished
        .iter()
        .min()
        .copied()
        .unwrap_or(0);
    let longest_wait = ordered
        .longest_wait
        .iter()
        .max()
        .copied()
        .unwrap_or_default();
    section.verdict(
        "Left fork first: every philosopher held one fork and waited for the next one's, right \
         round the table. Lower fork first: the last philosopher reaches for fork 0 before its \
         left fork, so the cycle cannot close.",
    );
    section.verdict(phrase!(
        "Fairness: when the first philosopher finished its {} meals, the one furthest behind had \
         eaten {}, and the longest anyone waited for forks was {}. A philosopher who puts its \
         forks down and picks them straight up again can beat a neighbour asleep waiting for \
         them. A lock order prevents deadlock, not unfairness.",
        meals,
        Measured::Count(fewest as u64),
        Measured::Time(longest_wait)
    ));
    let mut timeline = ordered.timeline;
    timeline.name = "lower-first-timeline".into();
    timeline.title = "Lower fork first: each row a philosopher, a bar while it eats".into();
    section.timeline(timeline);
    section
}
