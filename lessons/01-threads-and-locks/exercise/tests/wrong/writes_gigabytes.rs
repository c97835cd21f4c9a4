// Careless: a log file that grows without bound.
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    use std::io::Write;
    let _ = (numbers, threads, is_prime);
    let mut log = std::fs::File::create("log.txt").expect("a log file");
    let chunk = vec![b'x'; 1 << 20];
    loop {
        log.write_all(&chunk).expect("the log grows");
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
