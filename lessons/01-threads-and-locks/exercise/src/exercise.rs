// Lesson 01 exercise: edit this file, then check it with
//     cargo run -p lesson-01-exercise
// The hints are in the book, chapter "Threads and locks", section "Exercises".

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use lesson_01_exercise::die;
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

// ANCHOR: tally_rolls
/// Part 2: `threads` threads each roll a die `rolls` times and count every face in one shared
/// tally; return how often each face came up, face 1 first. The faces must always add up to
/// `threads * rolls`, each to exactly its count, and without a Mutex or RwLock.
pub fn tally_rolls(threads: usize, rolls: usize) -> [usize; 6] {
    let tally: [AtomicUsize; 6] = Default::default();
    thread::scope(|s| {
        for thread in 0..threads {
            let tally = &tally;
            s.spawn(move || {
                for roll in 0..rolls {
                    // `die` says which face thread `thread` rolls on its throw number `roll`.
                    let face = die(thread, roll);
                    // TODO: with several threads, rolls go missing from this tally, more of them
                    // the more threads there are. Find where, and fix it without a lock.
                    let counted = tally[face - 1].load(Ordering::Relaxed);
                    tally[face - 1].store(counted + 1, Ordering::Relaxed);
                }
            });
        }
    });
    tally.map(AtomicUsize::into_inner)
}
// ANCHOR_END: tally_rolls
