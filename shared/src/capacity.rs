//! How much parallel CPU this machine gives *right now*.
//!
//! `available_parallelism()` says how many cores this process may use, not how many are free: a
//! browser tab or a build spinning on one core of two leaves a parallel variant one core, and a
//! lesson that judged it against two would call a correct program slow. So the lessons measure
//! the capacity with a probe whose parallelism is known: `threads` threads, started together,
//! each spinning on independent work. The CPU time they obtain divided by the wall time they
//! took is the number of cores that were really available during the probe.

use std::sync::Barrier;
use std::time::{Duration, Instant};

/// The cores a probe of `threads` spinning threads obtained during `duration`: between 0 and
/// `threads`; about `min(threads, free cores)`. Never more than `threads`.
pub fn probe(threads: usize, duration: Duration) -> f64 {
    let threads = threads.max(1);
    let start = Barrier::new(threads + 1);
    let (wall, cpu) = std::thread::scope(|scope| {
        let spinners: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    let began = thread_cpu_time();
                    let started = Instant::now();
                    let mut x = 0u64;
                    while started.elapsed() < duration {
                        for _ in 0..1000 {
                            x = std::hint::black_box(
                                x.wrapping_mul(6364136223846793005).wrapping_add(1),
                            );
                        }
                    }
                    thread_cpu_time().saturating_sub(began)
                })
            })
            .collect();
        start.wait();
        let started = Instant::now();
        let cpu: Duration = spinners
            .into_iter()
            .map(|s| s.join().unwrap_or_default())
            .sum();
        (started.elapsed(), cpu)
    });
    (cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)).min(threads as f64)
}

/// CPU time used by the calling thread.
pub fn thread_cpu_time() -> Duration {
    // SAFETY: clock_gettime only writes into the timespec we hand it.
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spinning_thread_gets_about_one_core() {
        let got = probe(1, Duration::from_millis(20));
        assert!(got > 0.5 && got <= 1.0, "{got}");
    }
}
