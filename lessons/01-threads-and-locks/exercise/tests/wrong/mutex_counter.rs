// A plausible wrong answer to part 2: correct, but with the Mutex the exercise rules out.
pub use crate::solution::count_primes_parallel;

pub fn count_to(threads: usize, increments: usize) -> usize {
    let counter = std::sync::Mutex::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..increments {
                    *counter.lock().unwrap() += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}
