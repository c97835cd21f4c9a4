// A plausible wrong answer: inclusive part ends, so each boundary number is counted twice.
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let len = numbers.end - numbers.start;
    let threads = threads as u64;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let start = numbers.start + len * t / threads;
                let end =
                    (numbers.start + len * (t + 1) / threads).min(numbers.end.saturating_sub(1));
                s.spawn(move || (start..=end).filter(|&n| is_prime(n)).count() as u64)
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
                    let face = lesson_01_exercise::die(thread, roll);
                    tally[face - 1].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    tally.map(|count| count.into_inner())
}
