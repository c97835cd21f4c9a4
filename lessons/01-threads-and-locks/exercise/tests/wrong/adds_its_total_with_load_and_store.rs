// A plausible wrong answer to part 2: each thread counts on its own, then adds its total to the
// counter with a load and a separate store. Two threads that finish at the same moment both load
// the same value, and one total is lost. That happens rarely (the window is one load and one
// store per thread), so trials alone seldom see it; the check reads the code too.
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let next = AtomicU64::new(numbers.start);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut primes = 0;
                    loop {
                        let start = next.fetch_add(1_000, Ordering::Relaxed);
                        if start >= numbers.end {
                            return primes;
                        }
                        let block = start..(start + 1_000).min(numbers.end);
                        primes += block.filter(|&n| is_prime(n)).count() as u64;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

pub fn count_to(threads: usize, increments: usize) -> usize {
    let counter = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut mine = 0;
                for _ in 0..increments {
                    mine += 1;
                }
                let seen = counter.load(Ordering::Relaxed);
                counter.store(seen + mine, Ordering::Relaxed);
            });
        }
    });
    counter.into_inner()
}
