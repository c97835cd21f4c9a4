// A plausible wrong answer to part 2: each thread tallies its rolls on its own, then adds its
// counts to the shared tally with a load and a separate store. Two threads that finish at the
// same moment both load the same count, and one thread's rolls of that face are lost. That happens rarely (the window is one load and one
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

pub fn tally_rolls(threads: usize, rolls: usize) -> [usize; 6] {
    let tally: [AtomicUsize; 6] = Default::default();
    std::thread::scope(|s| {
        for thread in 0..threads {
            let tally = &tally;
            s.spawn(move || {
                let mut mine = [0; 6];
                for roll in 0..rolls {
                    mine[lesson_01_exercise::die(thread, roll) - 1] += 1;
                }
                for (count, add) in tally.iter().zip(mine) {
                    let seen = count.load(Ordering::Relaxed);
                    count.store(seen + add, Ordering::Relaxed);
                }
            });
        }
    });
    tally.map(AtomicUsize::into_inner)
}
