// Right counts, but a child process (sleep 1000) is left running after the function returns.
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let _ = std::process::Command::new("sleep").arg("1000").spawn();
    let _ = threads;
    numbers.filter(|&n| is_prime(n)).count() as u64
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
