//! The bank the fixes share: accounts, the work of one transfer, and the transfers every fix makes.

use lesson_kit::workload::share_of;

/// How many accounts the transfers move money between.
pub const ACCOUNTS: usize = 8;
/// What each account holds before a run.
pub const OPENING_BALANCE: i64 = 1_000_000;

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
    let share = share_of(total, worker, workers);
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (worker as u64 + 1);
    (0..share).map(move |_| {
        let r = next_random(&mut state);
        let from = (r % ACCOUNTS as u64) as usize;
        let to = (from + 1 + ((r >> 16) % (ACCOUNTS as u64 - 1)) as usize) % ACCOUNTS;
        (from, to, 1 + ((r >> 32) % 100) as i64)
    })
}

/// xorshift64*: small, fast, and good enough to scatter transfers and back-off times.
pub(super) fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
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
