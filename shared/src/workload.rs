//! The CPU-bound job of the Python articles, shared by the lessons that time it (01 and 04).
//!
//! Trial division is slow on purpose: it is pure computation (no memory traffic, no I/O), so it
//! shows what threads and processes do for CPU work and nothing else. The point is the work, not
//! the algorithm.
//!
//! [`share_of`] splits a job's items among workers, for every lesson that hands them out itself;
//! [`splitmix64`] scrambles a number, for checksums that catch a lost item and for noise that is
//! the same on every run.

/// Is `n` prime? Tries every odd divisor up to the square root.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// How many of `total` items worker `worker` (counted from 0) of `workers` takes: the shares
/// differ by at most one, the first `total % workers` workers take the one left over, and the
/// shares add up to `total`. Panics when `workers` is 0.
pub fn share_of(total: u64, worker: usize, workers: usize) -> u64 {
    total / workers as u64 + u64::from((worker as u64) < total % workers as u64)
}

pub use lesson_mix::splitmix64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_even_and_add_up() {
        let shares: Vec<u64> = (0..4).map(|w| share_of(10, w, 4)).collect();
        assert_eq!(shares, vec![3, 3, 2, 2]);
        assert_eq!(
            share_of(2, 2, 3),
            0,
            "more workers than items: the last gets none"
        );
        for (total, workers) in [(0, 1), (1, 1), (7, 7), (1_000_003, 2), (5, 9)] {
            let sum: u64 = (0..workers).map(|w| share_of(total, w, workers)).sum();
            assert_eq!(sum, total, "{total} items among {workers}");
        }
    }

    #[test]
    fn known_primes() {
        let below_30: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(below_30, vec![2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!((0..100_000).filter(|&n| is_prime(n)).count(), 9592);
    }
}
