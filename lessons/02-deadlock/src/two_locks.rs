//! Experiment 1: two threads take the same two locks in opposite order.
//!
//! Thread 1 moves money from account A to account B: it locks A, then B. Thread 2 moves money from
//! B to A: it locks B, then A. If each takes its first lock before the other takes its second,
//! each waits for a lock the other holds, forever. Rust's threads do run at the same time, but the
//! window lasts one uncontended `lock()`, and the second thread usually starts after the first has
//! finished; so the code usually works, which is why the articles' version seems harmless. A
//! barrier holds the window open here, and the deadlock happens on every run.

use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use lesson_kit::measure::threads_around;
use lesson_kit::{Measured, Section, phrase};

use crate::watchdog::{Cancelled, Lock, Stuck, WaitForGraph, watched};

/// What each account holds before a trial.
pub const OPENING_BALANCE: i64 = 100;

// ANCHOR: transfer
/// Moves `amount` between two accounts, locking the account it takes money from first. `window`,
/// when given, makes the thread wait until the other thread holds its first lock too.
pub fn transfer(
    graph: &WaitForGraph,
    me: usize,
    from: &Lock<i64>,
    to: &Lock<i64>,
    amount: i64,
    window: Option<&Barrier>,
) -> Result<(), Cancelled> {
    let mut source = graph.lock(me, from)?;
    if let Some(window) = window {
        window.wait();
    }
    let mut target = graph.lock(me, to)?;
    *source -= amount;
    *target += amount;
    Ok(())
}
// ANCHOR_END: transfer

/// How one trial ended.
#[derive(Debug, Clone)]
pub struct Trial {
    /// What the watchdog found, if the threads got stuck.
    pub stuck: Option<Stuck>,
    /// Balances of A and B afterwards.
    pub balances: (i64, i64),
}

// ANCHOR: trial
/// Thread 1 moves 10 from A to B while thread 2 moves 20 from B to A, under the watchdog.
pub fn opposite_order(window_forced_open: bool) -> Trial {
    let graph = WaitForGraph::new(
        ["thread 1 (A to B)", "thread 2 (B to A)"],
        ["lock A", "lock B"],
    );
    let (a, b) = (Lock::new(0, OPENING_BALANCE), Lock::new(1, OPENING_BALANCE));
    let both_hold_one = Barrier::new(2);
    let window = window_forced_open.then_some(&both_hold_one);
    let (_, stuck) = watched(&graph, || {
        thread::scope(|s| {
            let one = s.spawn(|| transfer(&graph, 0, &a, &b, 10, window));
            let two = s.spawn(|| transfer(&graph, 1, &b, &a, 20, window));
            // Joined whether they moved the money or were called off: no thread outlives a trial.
            (one.join().unwrap(), two.join().unwrap())
        })
    });
    Trial {
        stuck,
        balances: (a.into_inner(), b.into_inner()),
    }
}
// ANCHOR_END: trial

/// Runs the transfers in opposite order with the window forced open, then as usually written,
/// and shows what the watchdog saw.
pub fn opposite_lock_order(forced_trials: usize, unforced_trials: usize) -> Section {
    let mut section = Section::new("opposite-order", "Two locks in opposite order").about(
        "Thread 1 locks account A, then B; thread 2 locks B, then A. A barrier forces the window \
         open: each thread takes its first lock and waits until the other holds its first lock \
         too. A watchdog follows who holds and who waits for which lock, and calls the threads off \
         when they are stuck in a cycle.",
    );
    let ((forced, unforced), threads) = threads_around(|| {
        let forced: Vec<Trial> = (0..forced_trials).map(|_| opposite_order(true)).collect();
        let unforced: Vec<Trial> = (0..unforced_trials)
            .map(|_| opposite_order(false))
            .collect();
        (forced, unforced)
    });

    let deadlocked = forced.iter().filter(|t| is_deadlock(t)).count();
    let slowest = forced
        .iter()
        .filter_map(|t| match &t.stuck {
            Some(Stuck::Deadlock { after, .. }) => Some(*after),
            _ => None,
        })
        .max()
        .unwrap_or(Duration::ZERO);
    if deadlocked == forced_trials {
        section.check(
            true,
            phrase!(
                "window forced open: deadlocked in all {} trials, every one found by the watchdog \
                 (within {} at most) and called off",
                forced_trials,
                Measured::Time(slowest)
            ),
        );
    } else {
        section.check(
            false,
            phrase!(
                "window forced open: deadlocked in only {} of {} trials: is the barrier there?",
                Measured::Count(deadlocked as u64),
                forced_trials
            ),
        );
    }
    let unforced_deadlocks = unforced.iter().filter(|t| is_deadlock(t)).count();
    section.result(phrase!(
        "as usually written (no barrier): deadlocked in {} of {} trials",
        Measured::Count(unforced_deadlocks as u64),
        unforced_trials
    ));
    let total = 2 * OPENING_BALANCE;
    let conserved = forced
        .iter()
        .chain(&unforced)
        .all(|t| t.balances.0 + t.balances.1 == total);
    section.check(
        conserved,
        phrase!(
            "A + B = {} after every trial: a called-off transfer moved nothing",
            total
        ),
    );
    match threads {
        Some(threads) => section.check(
            threads.before == threads.after,
            phrase!(
                "no thread left behind: the process ran {} thread(s) before the trials and {} after",
                threads.before,
                threads.after
            ),
        ),
        _ => section.result("this system cannot count the process's threads"),
    }
    if let Some(stuck) = forced.iter().find_map(|t| t.stuck.as_ref()) {
        section.listing("What the watchdog reported:", &stuck.lines().join("\n"));
    }
    section.verdict(phrase!(
        "Opposite lock order deadlocks whenever both threads hold their first lock at once: with \
         the window forced open that is every time; as usually written, {} of the trials. A rare \
         deadlock is still a deadlock: it waits for the day the window opens by chance.",
        Measured::Share(unforced_deadlocks as f64 / unforced_trials.max(1) as f64)
    ));
    section.verdict(
        "Each thread holds one lock and waits for the other's: a cycle in the wait-for graph. \
         Nothing inside the cycle can break it; the watchdog could, because every wait checks a \
         cancel flag. A plain lock() cannot be called off.",
    );
    section
}

fn is_deadlock(trial: &Trial) -> bool {
    trial.stuck.as_ref().is_some_and(Stuck::is_deadlock)
}
