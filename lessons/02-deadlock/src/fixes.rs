//! Experiment 2: four ways out of the deadlock, timed under the same load.
//!
//! Worker threads move money between a few accounts, in random pairs and in both directions: the
//! pattern of experiment 1, many thousands of times. Each fix removes the cycle a different way:
//!
//! 1. **One global lock order**: every thread locks the lower-numbered account first. No thread
//!    ever waits for a lower lock while holding a higher one, so no cycle can close.
//! 2. **`try_lock_for` with back-off**: lock the source, *try* the target for a moment; if it is
//!    taken, let go of everything, wait a random while, and retry. A cycle may form, but never
//!    lasts. Without the random wait, threads that retry in step can livelock.
//! 3. **One coarser lock** for all the accounts: one lock cannot form a cycle, but transfers
//!    between different accounts now wait for each other.
//! 4. **One owner thread**: it alone touches the accounts, and the others send it transfers over a
//!    channel. No thread waits for a lock at all.

mod bank;
mod report;

use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::watchdog::{Cancelled, Lock, Stuck, WaitForGraph, watched};

use bank::next_random;
pub use bank::{
    ACCOUNTS, Account, OPENING_BALANCE, Transfer, expected_accounts, settle, transfers,
};
pub use report::{measure_fixes, the_fixes};

/// How long the back-off fix tries the second lock before letting go of the first.
const TRY_FOR: Duration = Duration::from_micros(100);

// ANCHOR: lock_order
/// Fix 1: lock the lower-numbered account first, whichever way the money goes.
fn transfer_in_lock_order(
    graph: &WaitForGraph,
    me: usize,
    bank: &[Lock<Account>],
    (from, to, amount): Transfer,
) -> Result<(), Cancelled> {
    let mut low = graph.lock(me, &bank[from.min(to)])?;
    let mut high = graph.lock(me, &bank[from.max(to)])?;
    if from < to {
        settle(&mut low, &mut high, amount);
    } else {
        settle(&mut high, &mut low, amount);
    }
    Ok(())
}
// ANCHOR_END: lock_order

// ANCHOR: back_off
/// Fix 2: if the second lock is not free soon, let go of the first, wait a random and growing
/// while, and start again. Returns how many times it had to let go.
fn transfer_with_back_off(
    graph: &WaitForGraph,
    me: usize,
    bank: &[Lock<Account>],
    (from, to, amount): Transfer,
    random: &mut u64,
) -> Result<u64, Cancelled> {
    let mut retries = 0;
    loop {
        let mut source = graph.lock(me, &bank[from])?;
        if let Some(mut target) = graph.try_lock_for(me, &bank[to], TRY_FOR)? {
            settle(&mut source, &mut target, amount);
            return Ok(retries);
        }
        drop(source);
        retries += 1;
        // Random, so two threads that let go together do not retry together (a livelock).
        let longest = 10u64 << retries.min(6);
        thread::sleep(Duration::from_micros(next_random(random) % longest));
    }
}
// ANCHOR_END: back_off

// ANCHOR: coarse
/// Fix 3: one lock for all the accounts.
fn transfer_under_one_lock(
    graph: &WaitForGraph,
    me: usize,
    bank: &Lock<Vec<Account>>,
    (from, to, amount): Transfer,
) -> Result<(), Cancelled> {
    let mut accounts = graph.lock(me, bank)?;
    let [source, target] = accounts
        .get_disjoint_mut([from, to])
        .expect("a transfer is between two different accounts");
    settle(source, target, amount);
    Ok(())
}
// ANCHOR_END: coarse

// ANCHOR: owner
/// Fix 4: the owner thread applies every transfer it is sent, until every sender has gone.
fn own_the_accounts(graph: &WaitForGraph, me: usize, requests: Receiver<Transfer>) -> Vec<Account> {
    let mut accounts = vec![Account::opening(); ACCOUNTS];
    for (from, to, amount) in requests {
        let [source, target] = accounts
            .get_disjoint_mut([from, to])
            .expect("a transfer is between two different accounts");
        settle(source, target, amount);
        graph.made_progress(me);
    }
    accounts
}

/// A worker of fix 4 hands its transfers to the owner instead of locking anything.
fn send_transfers(transfers: impl Iterator<Item = Transfer>, owner: Sender<Transfer>) {
    for transfer in transfers {
        owner.send(transfer).expect("the owner thread is running");
    }
}
// ANCHOR_END: owner

/// What one run of a fix ended with.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub accounts: Vec<Account>,
    /// Times a thread let go of a lock and tried again (the back-off fix only).
    pub retries: u64,
    pub stuck: Option<Stuck>,
}

/// A fix: runs `total` transfers on `workers` threads under the watchdog.
pub type Fix = fn(u64, usize) -> Outcome;

/// The fixes, in the order the lesson presents them.
pub const FIXES: [(&str, Fix); 4] = [
    ("one global lock order", with_lock_order),
    ("try_lock_for + back-off", with_back_off),
    ("one coarse lock", with_one_lock),
    ("owner thread + channel", with_owner_thread),
];

fn graph_for(workers: usize, locks: usize) -> WaitForGraph {
    WaitForGraph::new(
        (0..workers).map(|w| format!("worker {w}")),
        (0..locks).map(|a| format!("account {a}")),
    )
}

/// Starts the workers; each makes its transfers with `transfer` until done or called off, and
/// the retries they report are added up. The workers start together on a barrier, so that they
/// really contend from the first transfer.
fn run_workers(
    graph: &WaitForGraph,
    total: u64,
    workers: usize,
    transfer: impl Fn(usize, Transfer, &mut u64) -> Result<u64, Cancelled> + Sync,
) -> u64 {
    let start_line = Barrier::new(workers);
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|me| {
                let (transfer, start_line) = (&transfer, &start_line);
                s.spawn(move || {
                    start_line.wait();
                    let (mut retries, mut random) = (0, me as u64 + 1);
                    for t in transfers(total, me, workers) {
                        match transfer(me, t, &mut random) {
                            Ok(r) => retries += r,
                            Err(Cancelled) => break,
                        }
                        graph.made_progress(me);
                    }
                    retries
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn separate_accounts() -> Vec<Lock<Account>> {
    (0..ACCOUNTS)
        .map(|id| Lock::new(id, Account::opening()))
        .collect()
}

pub fn with_lock_order(total: u64, workers: usize) -> Outcome {
    let (graph, bank) = (graph_for(workers, ACCOUNTS), separate_accounts());
    let (retries, stuck) = watched(&graph, || {
        run_workers(&graph, total, workers, |me, t, _| {
            transfer_in_lock_order(&graph, me, &bank, t).map(|()| 0)
        })
    });
    let accounts = bank.into_iter().map(Lock::into_inner).collect();
    Outcome {
        accounts,
        retries,
        stuck,
    }
}

pub fn with_back_off(total: u64, workers: usize) -> Outcome {
    let (graph, bank) = (graph_for(workers, ACCOUNTS), separate_accounts());
    let (retries, stuck) = watched(&graph, || {
        run_workers(&graph, total, workers, |me, t, random| {
            transfer_with_back_off(&graph, me, &bank, t, random)
        })
    });
    let accounts = bank.into_iter().map(Lock::into_inner).collect();
    Outcome {
        accounts,
        retries,
        stuck,
    }
}

pub fn with_one_lock(total: u64, workers: usize) -> Outcome {
    let graph = WaitForGraph::new((0..workers).map(|w| format!("worker {w}")), ["the bank"]);
    let bank = Lock::new(0, vec![Account::opening(); ACCOUNTS]);
    let (retries, stuck) = watched(&graph, || {
        run_workers(&graph, total, workers, |me, t, _| {
            transfer_under_one_lock(&graph, me, &bank, t).map(|()| 0)
        })
    });
    Outcome {
        accounts: bank.into_inner(),
        retries,
        stuck,
    }
}

pub fn with_owner_thread(total: u64, workers: usize) -> Outcome {
    // The owner is one more thread in the graph, so that its progress is watched.
    let graph = WaitForGraph::new(
        (0..workers)
            .map(|w| format!("worker {w}"))
            .chain(["owner".to_string()]),
        Vec::<String>::new(), // the owner needs no lock
    );
    let start_line = Barrier::new(workers);
    let (accounts, stuck) = watched(&graph, || {
        thread::scope(|s| {
            // Bounded: a worker faster than the owner waits instead of queueing without limit.
            let (sender, requests) = crossbeam_channel::bounded(1024);
            let owner = s.spawn(|| own_the_accounts(&graph, workers, requests));
            let senders: Vec<_> = (0..workers)
                .map(|me| {
                    let (sender, start_line) = (sender.clone(), &start_line);
                    s.spawn(move || {
                        start_line.wait();
                        send_transfers(transfers(total, me, workers), sender)
                    })
                })
                .collect();
            drop(sender); // the owner stops when the last worker's sender is gone
            senders.into_iter().for_each(|h| h.join().unwrap());
            owner.join().unwrap()
        })
    });
    Outcome {
        accounts,
        retries: 0,
        stuck,
    }
}
