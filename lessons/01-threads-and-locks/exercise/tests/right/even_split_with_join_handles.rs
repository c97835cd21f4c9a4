// A correct alternative to the model: even parts with the remainder spread, a Mutex only in
// part 1 (the rule is about part 2), and each thread summing locally before one fetch_add.
use lesson_01_threads_and_locks::primes::is_prime;
use std::sync::Mutex;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let threads = threads.max(1) as u64;
    let len = numbers.end - numbers.start;
    let total = Mutex::new(0);
    std::thread::scope(|s| {
        for t in 0..threads {
            let start = numbers.start + len * t / threads;
            let end = numbers.start + len * (t + 1) / threads;
            let total = &total;
            s.spawn(move || {
                let here = (start..end).filter(|&n| is_prime(n)).count() as u64;
                *total.lock().unwrap() += here;
            });
        }
    });
    total.into_inner().unwrap()
}

pub fn count_to(threads: usize, increments: usize) -> usize {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut mine = 0;
                for _ in 0..increments {
                    mine += 1;
                }
                counter.fetch_add(mine, std::sync::atomic::Ordering::Relaxed);
            });
        }
    });
    counter.into_inner()
}
