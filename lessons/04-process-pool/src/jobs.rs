//! The tasks a worker can be given, and the work each one does.
//!
//! The same [`run_task`] runs every task in every variant: on the main thread, on rayon's
//! threads, under the GIL simulator, and inside a worker process. Only where it runs changes, so
//! the results must be identical, and each experiment prints that check.
//!
//! Some tasks misbehave on purpose ([`Misbehaviour`]), to show what a process pool does when a
//! task panics, aborts its process, is killed, or corrupts the pipe.

use serde::{Deserialize, Serialize};

use crate::shared_memory::count_primes_into;
use crate::thumbnails::{Thumbnail, thumbnail, thumbnail_in};

// ANCHOR: task
/// One unit of work, as sent to a worker: data that names the work, never code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Task {
    /// Count the primes in `start..end` by trial division.
    CountPrimes { start: u64, end: u64 },
    /// Count the primes in `start..end` into the shared counter named `counter`: the result
    /// goes through shared memory, not back in the reply (experiment 5).
    CountPrimesInto {
        counter: String,
        start: u64,
        end: u64,
    },
    /// Add up `i * i` for every `i` below `n`.
    SumOfSquares { n: u64 },
    /// Make a thumbnail of this JPEG photo. (`serde_bytes` sends the bytes as one block; plain
    /// serde would send a `Vec<u8>` one element at a time, which is slow in a debug build.)
    Thumbnail {
        #[serde(with = "serde_bytes")]
        jpeg: Vec<u8>,
    },
    /// The same with a box of `bound` x `bound` (lesson 07's small thumbnails).
    ThumbnailIn {
        #[serde(with = "serde_bytes")]
        jpeg: Vec<u8>,
        bound: u32,
    },
    /// Nothing at all: a round trip to the worker and back, to measure the pool's own cost.
    Nothing,
    /// Wait this many milliseconds, as a task waiting for I/O would: a task of known length.
    Sleep { millis: u64 },
    /// A task that goes wrong on purpose.
    Misbehave(Misbehaviour),
}
// ANCHOR_END: task

/// The ways a task can go wrong, each of which the pool must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Misbehaviour {
    /// `panic!` in the task: the worker catches it and reports it, like a Python exception.
    Panic,
    /// `std::process::abort()`: the worker process dies at once (SIGABRT), as after a crash in C code.
    Abort,
    /// The worker is killed (SIGKILL) on the task's first attempt, as the out-of-memory killer
    /// would; a second attempt succeeds.
    KilledOnFirstAttempt,
    /// The worker prints a line to stdout, which is the pool's pipe: garbage instead of a frame.
    WritesGarbage,
    /// The task never ends (it waits for something that never comes); the pool has no time
    /// limit yet: that is the exercise.
    Hangs,
}

/// What a task produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    Count(u64),
    Sum(u128),
    Thumbnail(Thumbnail),
    Nothing,
}

/// Is `n` prime? The same trial division as lesson 01, from the kit.
pub use lesson_kit::workload::is_prime;

/// Counts the primes in `start..end`, calling `step` after each number (the GIL simulator's
/// chance to switch threads; a no-op everywhere else).
pub fn count_primes(start: u64, end: u64, step: &mut impl FnMut()) -> u64 {
    let mut primes = 0;
    for n in start..end {
        primes += u64::from(is_prime(n));
        step();
    }
    primes
}

/// How many primes `range` holds, by a sieve of Eratosthenes over it: it crosses out the
/// multiples of every number up to the square root of its end, instead of trying divisors.
pub fn sieve_count(range: std::ops::Range<u64>) -> u64 {
    let mut composite = vec![false; (range.end - range.start) as usize];
    let mut p = 2;
    while p * p < range.end {
        // The first multiple of p in the range, but never p itself.
        let first = range.start.div_ceil(p).max(2) * p;
        for m in (first..range.end).step_by(p as usize) {
            composite[(m - range.start) as usize] = true;
        }
        p += 1;
    }
    (range.start..range.end)
        .zip(composite)
        .filter(|&(n, crossed)| n >= 2 && !crossed)
        .count() as u64
}

/// `sum(i * i for i in range(n))`, exactly (a u128 holds it for any `n` this lesson uses), in
/// blocks of 4096 numbers, calling `step` after each block.
pub fn sum_of_squares(n: u64, step: &mut impl FnMut()) -> u128 {
    let mut sum = 0u128;
    let mut start = 0;
    while start < n {
        let end = (start + 4096).min(n);
        // black_box: without it the compiler may replace the loop by the closed formula, and
        // there would be no work left to share out.
        let (mut i, mut block) = (std::hint::black_box(start), 0u128);
        while i < end {
            block += u128::from(i * i);
            i += 1;
        }
        sum += block;
        step();
        start = end;
    }
    sum
}

// ANCHOR: run_task
/// Does one task. Every variant calls this, so every variant does exactly the same work.
pub fn run_task(task: &Task, attempt: u32, step: &mut impl FnMut()) -> Output {
    match task {
        Task::CountPrimes { start, end } => Output::Count(count_primes(*start, *end, step)),
        Task::CountPrimesInto {
            counter,
            start,
            end,
        } => match count_primes_into(counter, *start, *end) {
            Ok(()) => Output::Nothing,
            Err(why) => panic!("{why}"),
        },
        Task::SumOfSquares { n } => Output::Sum(sum_of_squares(*n, step)),
        Task::Thumbnail { jpeg } => match thumbnail(jpeg, step) {
            Ok(thumbnail) => Output::Thumbnail(thumbnail),
            Err(why) => panic!("{why}"),
        },
        Task::ThumbnailIn { jpeg, bound } => match thumbnail_in(jpeg, *bound, step) {
            Ok(thumbnail) => Output::Thumbnail(thumbnail),
            Err(why) => panic!("{why}"),
        },
        Task::Nothing => Output::Nothing,
        Task::Sleep { millis } => {
            std::thread::sleep(std::time::Duration::from_millis(*millis));
            Output::Nothing
        }
        Task::Misbehave(misbehaviour) => misbehave(*misbehaviour, attempt),
    }
}
// ANCHOR_END: run_task

// ANCHOR: misbehave
fn misbehave(misbehaviour: Misbehaviour, attempt: u32) -> Output {
    match misbehaviour {
        Misbehaviour::Panic => panic!("index out of bounds: the len is 3 but the index is 7"),
        Misbehaviour::Abort => std::process::abort(),
        Misbehaviour::KilledOnFirstAttempt if attempt == 1 => {
            // SAFETY: kill only sends a signal; SIGKILL to ourselves ends this process here.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
            unreachable!("SIGKILL cannot be caught")
        }
        Misbehaviour::KilledOnFirstAttempt => Output::Count(count_primes(0, 1_000, &mut || {})),
        Misbehaviour::WritesGarbage => {
            // In a worker, stdout is the pool's pipe: this line is garbage to the pool.
            println!("Hello from a stray println!");
            Output::Nothing
        }
        Misbehaviour::Hangs => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
    }
}
// ANCHOR_END: misbehave

/// The count-primes job: the numbers below `limit` in `tasks` ranges of equal length.
pub fn prime_tasks(limit: u64, tasks: u64) -> Vec<Task> {
    (0..tasks)
        .map(|t| Task::CountPrimes {
            start: limit * t / tasks,
            end: limit * (t + 1) / tasks,
        })
        .collect()
}

/// The sum-of-squares job of the articles: `tasks` sums, each of a few more numbers than the last.
pub fn square_tasks(n: u64, tasks: u64) -> Vec<Task> {
    (0..tasks)
        .map(|t| Task::SumOfSquares { n: n + t })
        .collect()
}

/// A checksum of a job's outputs, in task order (FNV-1a over their bytes): equal checksums mean
/// equal results, down to the last byte of every thumbnail.
pub fn checksum(outputs: &[Output]) -> u64 {
    let bytes = postcard::to_stdvec(outputs).expect("outputs serialise");
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_prime_counts() {
        assert_eq!(count_primes(0, 1_000, &mut || {}), 168);
        let tasks = prime_tasks(100_000, 7);
        let total: u64 = tasks
            .iter()
            .map(|t| match run_task(t, 1, &mut || {}) {
                Output::Count(c) => c,
                other => panic!("{other:?}"),
            })
            .sum();
        assert_eq!(total, 9592);
    }

    #[test]
    fn the_sieve_agrees_with_trial_division() {
        assert_eq!(sieve_count(0..100_000), 9592);
        assert_eq!(sieve_count(0..30), 10);
        assert_eq!(sieve_count(7..8), 1);
        for range in [999_000..1_000_000, 1_000_000..1_000_500, 2..3] {
            assert_eq!(
                sieve_count(range.clone()),
                count_primes(range.start, range.end, &mut || {}),
                "{range:?}"
            );
        }
    }

    #[test]
    fn sum_of_squares_matches_the_formula() {
        let n = 12_345u128;
        assert_eq!(
            sum_of_squares(12_345, &mut || {}),
            (n - 1) * n * (2 * n - 1) / 6
        );
    }

    #[test]
    fn checksums_tell_outputs_apart() {
        let a = checksum(&[Output::Count(1), Output::Sum(2)]);
        assert_eq!(a, checksum(&[Output::Count(1), Output::Sum(2)]));
        assert_ne!(a, checksum(&[Output::Sum(2), Output::Count(1)]));
    }
}
