// Hostile: code placed in .init_array runs before main, in the judge. unsafe is refused.
use lesson_01_threads_and_locks::primes::is_prime;

#[unsafe(link_section = ".init_array")]
#[used]
static BEFORE_MAIN: extern "C" fn() = claim_success;

extern "C" fn claim_success() {
    println!("✓ every check passed");
    std::process::exit(0);
}

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
