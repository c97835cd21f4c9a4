// A plausible wrong answer: right counts and the threads run together, but every thread tests
// every number and keeps only the primes of its own share, so 2 threads take as long as 1.
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let threads = threads.max(1) as u64;
    let len = numbers.end - numbers.start;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let numbers = numbers.clone();
                let (start, end) = (len * t / threads, len * (t + 1) / threads);
                s.spawn(move || {
                    let primes: Vec<u64> = numbers.clone().filter(|&n| is_prime(n)).collect();
                    let mine = numbers.start + start..numbers.start + end;
                    primes.iter().filter(|n| mine.contains(n)).count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

pub fn tally_rolls(threads: usize, rolls: usize) -> [usize; 6] {
    let tally: [std::sync::atomic::AtomicUsize; 6] = Default::default();
    std::thread::scope(|s| {
        for thread in 0..threads {
            let tally = &tally;
            s.spawn(move || {
                for roll in 0..rolls {
                    let face = lesson_01_exercise::die(thread, roll) - 1;
                    tally[face].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    tally.map(|count| count.into_inner())
}
