//! The CPU-bound job of the Python articles, shared by the lessons that time it (01 and 04).
//!
//! Trial division is slow on purpose: it is pure computation (no memory traffic, no I/O), so it
//! shows what threads and processes do for CPU work and nothing else. The point is the work, not
//! the algorithm.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_primes() {
        let below_30: Vec<u64> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(below_30, vec![2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!((0..100_000).filter(|&n| is_prime(n)).count(), 9592);
    }
}
