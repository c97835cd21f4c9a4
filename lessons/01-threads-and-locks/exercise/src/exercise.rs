// Lesson 01 exercise: edit this file, then check it with
//     cargo run -p lesson-01-exercise
// The hints are in the book, chapter "Threads and locks", section "Exercises".

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use lesson_01_threads_and_locks::primes::is_prime;

// ANCHOR: count_primes_parallel
/// Part 1: count the primes in `numbers` using `threads` threads, and get a real speedup.
pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    // TODO: this counts on one thread, so it is no faster with more cores. Split `numbers` into
    // `threads` parts, count each part on its own thread with `std::thread::scope`, and add up
    // the counts. Every number must be counted exactly once, whatever `threads` is.
    let _ = threads;
    numbers.filter(|&n| is_prime(n)).count() as u64
}
// ANCHOR_END: count_primes_parallel

// ANCHOR: count_to
/// Part 2: `threads` threads each add 1 to one counter `increments` times; return the total.
/// It must always be `threads * increments`, and without a Mutex or RwLock.
pub fn count_to(threads: usize, increments: usize) -> usize {
    let counter = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..increments {
                    // TODO: two threads can both load 41 and both store 42: an update is lost.
                    // Make the read and the write one indivisible step.
                    let seen = counter.load(Ordering::Relaxed);
                    counter.store(seen + 1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: count_to
