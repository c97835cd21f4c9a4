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

pub fn tally_rolls(threads: usize, rolls: usize) -> [usize; 6] {
    let tally: [std::sync::atomic::AtomicUsize; 6] = Default::default();
    std::thread::scope(|s| {
        for thread in 0..threads {
            let tally = &tally;
            s.spawn(move || {
                let mut mine = [0; 6];
                for roll in 0..rolls {
                    mine[lesson_01_exercise::die(thread, roll) - 1] += 1;
                }
                for (count, add) in tally.iter().zip(mine) {
                    count.fetch_add(add, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    tally.map(|count| count.into_inner())
}
