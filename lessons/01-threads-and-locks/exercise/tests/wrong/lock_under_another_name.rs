// A lock imported under another name: the rule is about code, not the word.
use lesson_01_threads_and_locks::primes::is_prime;
use std::sync::Mutex as Counter;

pub fn count_primes_parallel(numbers: std::ops::Range<u64>, threads: usize) -> u64 {
    let next = std::sync::atomic::AtomicU64::new(numbers.start);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut primes = 0;
                    loop {
                        let start = next.fetch_add(1_000, std::sync::atomic::Ordering::Relaxed);
                        if start >= numbers.end {
                            return primes;
                        }
                        let block = start..(start + 1_000).min(numbers.end);
                        primes += block.filter(|&n| is_prime(n)).count() as u64;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

pub fn tally_rolls(threads: usize, rolls: usize) -> [usize; 6] {
    let tally = Counter::new([0; 6]);
    std::thread::scope(|s| {
        for thread in 0..threads {
            let tally = &tally;
            s.spawn(move || {
                for roll in 0..rolls {
                    tally.lock().unwrap()[lesson_01_exercise::die(thread, roll) - 1] += 1;
                }
            });
        }
    });
    tally.into_inner().unwrap()
}
