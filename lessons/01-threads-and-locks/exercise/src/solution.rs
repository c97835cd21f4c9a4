// Lesson 01 exercise: a model solution.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

use lesson_01_exercise::die;
use lesson_01_threads_and_locks::primes::is_prime;

// ANCHOR: count_primes_parallel
/// Part 1: the threads claim blocks of numbers from a shared atomic until none are left, so every
/// number is counted exactly once and a thread on a slower core simply claims fewer blocks.
pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    const BLOCK: u64 = 1_000;
    let next_block = AtomicU64::new(numbers.start);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut primes = 0;
                    loop {
                        let start = next_block.fetch_add(BLOCK, Ordering::Relaxed);
                        if start >= numbers.end {
                            return primes;
                        }
                        let block = start..(start + BLOCK).min(numbers.end);
                        primes += block.filter(|&n| is_prime(n)).count() as u64;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: count_primes_parallel

// ANCHOR: tally_rolls
/// Part 2: one atomic counter per face, shared by every thread; `fetch_add` reads, adds and
/// writes a face's count in one indivisible step, so no roll is lost.
pub fn tally_rolls(threads: usize, rolls: usize) -> [usize; 6] {
    let tally: [AtomicUsize; 6] = Default::default();
    thread::scope(|s| {
        for thread in 0..threads {
            let tally = &tally;
            s.spawn(move || {
                for roll in 0..rolls {
                    tally[die(thread, roll) - 1].fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    tally.map(AtomicUsize::into_inner)
}
// ANCHOR_END: tally_rolls
