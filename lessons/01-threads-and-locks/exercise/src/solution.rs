// Lesson 01 exercise: a model solution.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use lesson_01_threads_and_locks::primes::is_prime;

// ANCHOR: count_primes_parallel
/// Part 1: numbers are dealt round-robin in small blocks, so every thread gets small and large
/// numbers alike (large ones cost more to test) and every number is counted exactly once.
pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    const BLOCK: u64 = 1_000;
    let threads = threads.max(1);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let numbers = numbers.clone();
                s.spawn(move || {
                    let first_block = numbers.start + t as u64 * BLOCK;
                    (first_block..numbers.end)
                        .step_by(BLOCK as usize * threads)
                        .flat_map(|start| start..(start + BLOCK).min(numbers.end))
                        .filter(|&n| is_prime(n))
                        .count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: count_primes_parallel

// ANCHOR: count_to
/// Part 2: `fetch_add` reads, adds and writes in one indivisible step.
pub fn count_to(threads: usize, increments: usize) -> usize {
    let counter = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..increments {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: count_to
