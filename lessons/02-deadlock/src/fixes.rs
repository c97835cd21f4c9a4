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

use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use lesson_kit::measure::{Runs, Variant, interleaved};
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};

use crate::watchdog::{Cancelled, Lock, Stuck, WaitForGraph, watched};

/// How many accounts the transfers move money between.
pub const ACCOUNTS: usize = 8;
/// What each account holds before a run.
pub const OPENING_BALANCE: i64 = 1_000_000;
/// How long the back-off fix tries the second lock before letting go of the first.
const TRY_FOR: Duration = Duration::from_micros(100);

/// An account: a balance, and how many entries its ledger has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub balance: i64,
    pub entries: u64,
}

impl Account {
    pub const fn opening() -> Account {
        Account {
            balance: OPENING_BALANCE,
            entries: 0,
        }
    }
}

/// Rounds of hashing that stand in for the real work of a transfer under its locks (checking,
/// formatting the ledger line): long enough that holding a lock costs something.
const LEDGER_ROUNDS: u32 = 512;

/// The work done while the locks are held: move the money, write a ledger line in both accounts.
pub fn settle(source: &mut Account, target: &mut Account, amount: i64) {
    source.balance -= amount;
    target.balance += amount;
    source.entries += 1;
    target.entries += 1;
    let mut line = amount as u64 ^ source.entries.rotate_left(32) ^ target.entries;
    for _ in 0..LEDGER_ROUNDS {
        line = next_random(&mut line) | 1;
    }
    std::hint::black_box(line);
}

/// One transfer: from account, to account, amount.
pub type Transfer = (usize, usize, i64);

/// The transfers worker `worker` of `workers` makes: a fixed pseudo-random sequence, so every
/// fix moves exactly the same money, and every fix must end with the same balances.
pub fn transfers(total: u64, worker: usize, workers: usize) -> impl Iterator<Item = Transfer> {
    let share = total / workers as u64 + u64::from((worker as u64) < total % workers as u64);
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (worker as u64 + 1);
    (0..share).map(move |_| {
        let r = next_random(&mut state);
        let from = (r % ACCOUNTS as u64) as usize;
        let to = (from + 1 + ((r >> 16) % (ACCOUNTS as u64 - 1)) as usize) % ACCOUNTS;
        (from, to, 1 + ((r >> 32) % 100) as i64)
    })
}

/// xorshift64*: small, fast, and good enough to scatter transfers and back-off times.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

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
/// the retries they report are added up.
fn run_workers(
    graph: &WaitForGraph,
    total: u64,
    workers: usize,
    transfer: impl Fn(usize, Transfer, &mut u64) -> Result<u64, Cancelled> + Sync,
) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|me| {
                let transfer = &transfer;
                s.spawn(move || {
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
    let (accounts, stuck) = watched(&graph, || {
        thread::scope(|s| {
            // Bounded: a worker faster than the owner waits instead of queueing without limit.
            let (sender, requests) = crossbeam_channel::bounded(1024);
            let owner = s.spawn(|| own_the_accounts(&graph, workers, requests));
            let senders: Vec<_> = (0..workers)
                .map(|me| {
                    let sender = sender.clone();
                    s.spawn(move || send_transfers(transfers(total, me, workers), sender))
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

/// Every fix, timed `reps` times, interleaved.
pub fn measure_fixes(total: u64, workers: usize, reps: usize) -> Vec<Runs<Outcome>> {
    let variants = FIXES
        .iter()
        .map(|&(name, fix)| Variant::new(name, move || fix(total, workers)))
        .collect();
    interleaved(reps, variants)
}

/// The balances every fix must end with: the same transfers, applied on one thread.
pub fn expected_accounts(total: u64, workers: usize) -> Vec<Account> {
    let mut accounts = vec![Account::opening(); ACCOUNTS];
    for worker in 0..workers {
        for (from, to, amount) in transfers(total, worker, workers) {
            let [source, target] = accounts
                .get_disjoint_mut([from, to])
                .expect("two different accounts");
            settle(source, target, amount);
        }
    }
    accounts
}

/// Times the four fixes on the same transfers, checks that each moved every coin, and reports
/// whether the watchdog saw any deadlock or livelock.
pub fn the_fixes(total: u64, workers: usize, reps: usize) -> Section {
    let mut section = Section::new("fixes", "Four fixes, under the same load").about(&format!(
        "Worker threads move money between {ACCOUNTS} accounts in random pairs, in both \
         directions: experiment 1's pattern, thousands of times. Each fix makes the same \
         transfers under the watchdog: one global lock order, try_lock_for with back-off, one \
         coarse lock for all accounts, and one owner thread fed over a channel."
    ));
    let runs = measure_fixes(total, workers, reps);
    let expected = expected_accounts(total, workers);
    let all_right = runs
        .iter()
        .all(|r| r.results.iter().all(|o| o.accounts == expected));
    section.check(
        all_right,
        phrase!(
            "all 4 fixes made all {} transfers on {} threads and ended with the same balance in \
             every account, in every run",
            total,
            workers
        ),
    );
    let count = |r: &Runs<Outcome>, deadlock: bool| {
        r.results
            .iter()
            .filter(|o| {
                o.stuck
                    .as_ref()
                    .is_some_and(|s| s.is_deadlock() == deadlock)
            })
            .count() as u64
    };
    let stuck_runs: u64 = runs.iter().map(|r| count(r, true) + count(r, false)).sum();
    section.check(
        stuck_runs == 0,
        phrase!(
            "the watchdog saw no deadlock and no livelock in any of the {} runs",
            runs.len() * reps
        ),
    );
    for stuck in runs
        .iter()
        .flat_map(|r| r.results.iter().filter_map(|o| o.stuck.as_ref()))
        .take(1)
    {
        section.listing("What the watchdog reported:", &stuck.lines().join("\n"));
    }

    let throughput = |r: &Runs<Outcome>| total as f64 / r.min_wall().as_secs_f64().max(1e-9);
    let baseline = throughput(&runs[0]);
    let mut table = Table::new(&[
        ("fix", "fix"),
        ("min_s", "min"),
        ("median_s", "median"),
        ("transfers_per_s", "throughput"),
        ("vs_lock_order", "vs lock order"),
        ("retries_per_run", "retries per run"),
        ("deadlocks", "deadlocks"),
        ("livelocks", "livelocks"),
    ]);
    for r in &runs {
        let retries = r.results.iter().map(|o| o.retries).sum::<u64>() / reps.max(1) as u64;
        table.row(vec![
            r.name.as_str().into(),
            Measured::Time(r.min_wall()).into(),
            Measured::Time(r.median_wall()).into(),
            Measured::Rate(throughput(r)).into(),
            Measured::Ratio(throughput(r) / baseline).into(),
            Measured::Count(retries).into(),
            count(r, true).into(),
            count(r, false).into(),
        ]);
    }
    section.table(
        &format!("Measured ({reps} interleaved runs each; throughput from the minimum time)"),
        table,
    );
    let mut by_speed: Vec<&Runs<Outcome>> = runs.iter().collect();
    by_speed.sort_by(|a, b| throughput(b).total_cmp(&throughput(a)));
    let order: Vec<&str> = by_speed.iter().map(|r| r.name.as_str()).collect();
    section.verdict(phrase!(
        "Highest throughput first: {}.",
        Measured::Varies(order.join(", "))
    ));
    let back_off_retries = runs[1].results.iter().map(|o| o.retries).sum::<u64>();
    section.verdict(phrase!(
        "Back-off let go of its first lock and started again {} times per 1000 transfers: each \
         time the second lock was not free within 100 µs, perhaps held by a thread that waited \
         for the first.",
        Measured::Count(back_off_retries * 1000 / (total * reps.max(1) as u64).max(1))
    ));
    section.verdict(
        "Every fix removes the cycle, not the waiting: the lock order makes a cycle impossible, \
         back-off breaks it, one lock or one owner leaves nothing to form it with.",
    );
    section
}
