//! The table: forks handed out through the watchdog's wait-for graph, and a record of who ate.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::timeline::Recorder;
use parking_lot::Mutex;

use crate::watchdog::{Cancelled, Held, Lock, WaitForGraph};

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

    /// Puts the fork down and hands it straight to the neighbour that has waited longest for it,
    /// if one waits: the philosopher who just ate cannot snatch it back.
    pub fn put_down_fair(self) {
        self.held.unlock_fair();
    }
}

/// What a philosopher did: meals eaten, and how long it waited for forks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seat {
    pub(super) meals: usize,
    pub(super) longest_wait: Duration,
    last_meal_ended: Instant,
}

/// A table of philosophers: the forks, who ate how often, and the watchdog's graph.
pub struct Table {
    pub(super) graph: WaitForGraph,
    forks: Vec<Lock<()>>,
    pub(super) seats: Vec<Mutex<Seat>>,
    meals_each: usize,
    eating: Duration,
    opening_over: AtomicBool,
    pub(super) when_first_finished: OnceLock<Vec<usize>>,
    pub(super) timeline: Recorder,
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

    /// Philosopher `me` picks up fork `fork` only if it is free now: `Ok(None)` if a neighbour
    /// has it. It never waits.
    pub fn try_take(&self, me: usize, fork: usize) -> Result<Option<Fork<'_>>, Cancelled> {
        let held = self
            .graph
            .try_lock_for(me, &self.forks[fork], Duration::ZERO)?;
        Ok(held.map(|held| Fork { held }))
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
