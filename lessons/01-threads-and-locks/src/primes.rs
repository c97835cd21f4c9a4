//! The CPU-bound job of the Python articles, counting primes, and how to hand it out to workers.
//!
//! The prime test itself is the kit's (`lesson_kit::workload::is_prime`), shared with lesson 04.
//! What this lesson adds is the splitting: dealing blocks out in turn, or letting workers claim
//! them as they go.

use std::sync::atomic::{AtomicU64, Ordering};

/// Is `n` prime? The kit's trial division, shared with lesson 04.
pub use lesson_kit::workload::is_prime;

/// Work is handed out in blocks of this many numbers: small enough to balance the workers, large
/// enough that handing out a block costs nothing next to testing a thousand numbers.
pub const BLOCK: u64 = 1_000;

/// The numbers below `limit` in the blocks dealt to worker `part` of `parts`, like cards: every
/// worker gets small and large numbers alike (large numbers cost more to test).
pub fn dealt_blocks(limit: u64, part: usize, parts: usize) -> impl Iterator<Item = u64> {
    let starts = (part as u64 * BLOCK..limit).step_by(BLOCK as usize * parts);
    starts.flat_map(move |start| start..(start + BLOCK).min(limit))
}

// ANCHOR: blocks
/// Hands out the numbers below `limit` a block at a time to whichever worker asks first. A worker
/// on a busy or slower core just claims fewer blocks; nobody waits for it at the end.
pub struct Blocks {
    next: AtomicU64,
    limit: u64,
}

impl Blocks {
    pub fn new(limit: u64) -> Blocks {
        Blocks {
            next: AtomicU64::new(0),
            limit,
        }
    }

    /// The next unclaimed block, or `None` when every number has been handed out.
    pub fn claim(&self) -> Option<std::ops::Range<u64>> {
        let start = self.next.fetch_add(BLOCK, Ordering::Relaxed);
        (start < self.limit).then(|| start..(start + BLOCK).min(self.limit))
    }
}
// ANCHOR_END: blocks

/// Counts the primes below `limit` on the calling thread: the baseline every variant must match.
pub fn count_primes(limit: u64) -> u64 {
    (0..limit).filter(|&n| is_prime(n)).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_prime_counts() {
        assert_eq!(count_primes(10), 4);
        assert_eq!(count_primes(1_000), 168);
        assert_eq!(count_primes(100_000), 9592);
    }

    #[test]
    fn claimed_blocks_cover_every_number_once() {
        let blocks = Blocks::new(2_500);
        let claimed: Vec<_> = std::iter::from_fn(|| blocks.claim()).collect();
        assert_eq!(claimed, vec![0..1_000, 1_000..2_000, 2_000..2_500]);
    }

    #[test]
    fn dealt_blocks_cover_every_number_once() {
        for parts in 1..5 {
            let mut all: Vec<u64> = (0..parts)
                .flat_map(|p| dealt_blocks(10_500, p, parts))
                .collect();
            all.sort();
            assert_eq!(all, (0..10_500).collect::<Vec<_>>(), "{parts} parts");
        }
    }
}
