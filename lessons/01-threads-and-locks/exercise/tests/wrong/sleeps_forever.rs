// Hostile or stuck: the function never returns.
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let _ = (numbers, threads, is_prime);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1000));
    }
}

pub fn count_to(threads: usize, increments: usize) -> usize {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..increments {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}
