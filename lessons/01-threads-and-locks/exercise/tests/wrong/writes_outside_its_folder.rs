// Hostile: write a file outside the folder the answer runs in (Landlock refuses it).
use lesson_01_threads_and_locks::primes::is_prime;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    std::fs::write("/tmp/lesson-01-wrong-answer-escaped.txt", "written by an answer")
        .expect("writing outside the answer's folder");
    let _ = threads;
    numbers.filter(|&n| is_prime(n)).count() as u64
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
