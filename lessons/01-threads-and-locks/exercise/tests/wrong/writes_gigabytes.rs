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
