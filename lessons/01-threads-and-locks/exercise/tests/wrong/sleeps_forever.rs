// Hostile or stuck: the function never returns.
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let _ = (numbers, threads, is_prime);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1000));
    }
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
