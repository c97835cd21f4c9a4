//! Inputs the answer cannot know in advance, chosen to catch the usual splitting mistakes.

use lesson_kit::exercise::Dice;

pub(super) fn next_prime(mut n: u64) -> u64 {
    while !lesson_01_threads_and_locks::primes::is_prime(n) {
        n += 1;
    }
    n
}

/// A range whose last number is prime and whose length leaves a remainder for the thread
/// count: a split that drops the remainder always miscounts it.
pub(super) fn ends_with_a_remainder_prime(d: &mut Dice) -> (std::ops::Range<u64>, usize) {
    let threads = d.roll(3, 7);
    let last = next_prime(d.roll(20_000, 40_000));
    let len = 1_000 * threads + d.roll(1, threads - 1);
    (last + 1 - len..last + 1, threads as usize)
}

/// Two threads whose parts meet at a prime: a split that counts a boundary twice miscounts it.
pub(super) fn prime_on_the_boundary(d: &mut Dice) -> (std::ops::Range<u64>, usize) {
    let middle = next_prime(d.roll(20_000, 40_000));
    let half = d.roll(500, 2_000);
    (middle - half..middle + half, 2)
}

pub(super) fn primes_in(numbers: std::ops::Range<u64>) -> u64 {
    numbers
        .filter(|&n| lesson_01_threads_and_locks::primes::is_prime(n))
        .count() as u64
}
