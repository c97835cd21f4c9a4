//! The probe: threads pinned one to a CPU, started together, spinning on independent work. The
//! CPU time they obtain over the wall time they take is the cores that were free meanwhile;
//! the work they do over that of one thread alone is the speedup a perfectly split program
//! could get now.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::thread_cpu_time;

/// How long one probe spins: a few scheduler slices, short enough that probing between every
/// run of an experiment costs little.
pub const PROBE: Duration = Duration::from_millis(5);

/// The cores a probe of `threads` spinning threads obtained during `duration`: between 0 and
/// `threads`; about `min(threads, free cores)`. Never more than `threads`.
pub fn probe(threads: usize, duration: Duration) -> f64 {
    let (cpu, wall, _) = probe_times(threads, duration);
    (cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)).min(threads.max(1) as f64)
}

/// How many times as much work `threads` spinning threads did per second as one thread alone,
/// each spinning for `duration`, one right after the other: the speedup a perfectly split
/// program could get *now*. Between 0 and `threads`.
///
/// [`probe`] counts CPU time, and a virtual machine can hand out CPU time that does less work:
/// two virtual CPUs that are hyperthreads of one physical core give each thread a full core's
/// time at part of a core's speed, and so can a host whose other guests share the same caches
/// and memory bandwidth. CI's machine did that once: a
/// correct answer's 2 threads used 1.9 cores and ran 1.27x as fast as one, three times over,
/// while the probe read 2 free cores. This counts the work instead (a multiply and a division
/// per step, like trial division).
pub fn parallel_gain(threads: usize, duration: Duration) -> f64 {
    let rate = |threads| {
        let (_, wall, work) = probe_times(threads, duration);
        work as f64 / wall.as_secs_f64().max(1e-9)
    };
    let alone = rate(1);
    (rate(threads) / alone.max(1e-9)).min(threads.max(1) as f64)
}

/// The longest a probe thread waits for the others to be running before it starts anyway: on an
/// overloaded machine they may not all get a core at once, and a probe must never hang.
const ARRIVAL_LIMIT: Duration = Duration::from_millis(20);

/// The CPU time `threads` spinning threads obtained, the wall time they took, and the steps of
/// work they did together.
///
/// Each thread is kept on a CPU of its own (as many as the process may use, then round again),
/// starts only once all of them are *running* (they spin until every one has arrived), and the
/// wall time is their own window, from the first one's start to the last one's end. Measured on
/// this 2-core virtual machine (Linux 6.18, `HZ=250`, tickless idle), both choices matter:
///
/// - Left to the scheduler, two new threads started on the *same* CPU in 1 to 28 of 40 probes
///   on a quiet machine (it varied from minute to minute), and stayed there for much of a 5 ms
///   probe: the idle CPU has no tick, and the busy one asks it to take work from its own tick
///   (`sched_balance_trigger`), every 4 ms. Those probes read one core; pooled, as little as
///   0.91 of 2 (debug) or 1.48 (release), while an experiment's longer runs, balanced after a
///   few milliseconds, reached 1.9x: issue 11's false busy reading (1.38 and 1.51 there, 1.21
///   here with the old probe). Pinned, no probe started with both on one CPU (0 of 40; pooled
///   1.99), and a program busy on a CPU still takes its share of the probe thread kept there.
/// - An earlier probe timed them from the spawning thread, from its return from a `Barrier` to
///   its return from `join`: other moments than the spinners'. Under load they started from
///   22 ms before to 27 ms after that clock, so single probes read from 0.02 to over 100 cores
///   (clamped to 2); pooled on a quiet machine, 1.68 to 2.57 of 2.
pub(super) fn probe_times(threads: usize, duration: Duration) -> (Duration, Duration, u64) {
    let threads = threads.max(1);
    let arrived = AtomicUsize::new(0);
    let cpus = allowed_cpus();
    std::thread::scope(|scope| {
        let spinners: Vec<_> = (0..threads)
            .map(|i| {
                let (arrived, cpu) = (&arrived, cpus.get(i % cpus.len().max(1)).copied());
                scope.spawn(move || {
                    if let Some(cpu) = cpu {
                        pin_to(cpu);
                    }
                    arrived.fetch_add(1, Ordering::Relaxed);
                    let waiting = Instant::now();
                    while arrived.load(Ordering::Relaxed) < threads
                        && waiting.elapsed() < ARRIVAL_LIMIT
                    {
                        std::hint::spin_loop();
                    }
                    let (began, started) = (thread_cpu_time(), Instant::now());
                    let (mut x, mut steps) = (0u64, 0u64);
                    while started.elapsed() < duration {
                        for _ in 0..1000 {
                            x = std::hint::black_box(
                                x.wrapping_mul(6364136223846793005).wrapping_add(1)
                                    % std::hint::black_box(1_000_003),
                            );
                        }
                        steps += 1000;
                    }
                    let cpu = thread_cpu_time().saturating_sub(began);
                    (started, Instant::now(), cpu, steps)
                })
            })
            .collect();
        let spans: Vec<_> = spinners.into_iter().filter_map(|s| s.join().ok()).collect();
        let first = spans.iter().map(|s| s.0).min();
        let last = spans.iter().map(|s| s.1).max();
        let wall = first.zip(last).map(|(a, b)| b - a).unwrap_or_default();
        let work = spans.iter().map(|s| s.3).sum();
        (spans.iter().map(|s| s.2).sum(), wall, work)
    })
}

/// The CPUs this process may run on (its affinity mask), lowest first; empty where Linux
/// cannot tell.
fn allowed_cpus() -> Vec<usize> {
    // SAFETY: a zeroed cpu_set_t is an empty set; sched_getaffinity writes into the one we hand
    // it, and CPU_ISSET only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

/// Keeps the calling thread on `cpu` from now on (a probe thread, which ends soon after).
fn pin_to(cpu: usize) {
    // SAFETY: as above; sched_setaffinity only reads the set. If it fails, the thread simply
    // stays where the scheduler puts it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_gets_some_cpu_and_never_more_than_its_threads() {
        // How much it gets depends on the other programs (and tests) running: not judged here.
        for threads in [1, 2, 3] {
            let got = probe(threads, Duration::from_millis(10));
            assert!(
                got > 0.0 && got <= threads as f64,
                "{threads} threads: {got}"
            );
        }
    }

    #[test]
    fn more_threads_never_gain_more_than_their_number() {
        // The gain itself depends on what else runs (and on the host): not judged here.
        for threads in [1, 2, 3] {
            let gain = parallel_gain(threads, Duration::from_millis(10));
            assert!(gain > 0.0 && gain <= threads as f64, "{threads}: {gain}");
        }
    }

    #[test]
    fn a_probe_thread_stays_on_the_cpu_it_is_given() {
        let cpus = allowed_cpus();
        assert!(
            !cpus.is_empty(),
            "Linux says which CPUs this process may use"
        );
        std::thread::scope(|s| {
            for &cpu in &cpus {
                s.spawn(move || {
                    pin_to(cpu);
                    // SAFETY: sched_getcpu only reads which CPU the calling thread is on.
                    let now = unsafe { libc::sched_getcpu() };
                    assert_eq!(now as usize, cpu);
                });
            }
        });
    }

    #[test]
    fn probe_threads_wait_for_each_other_but_never_hang() {
        // More threads than cores cannot all run at once: they start after the arrival limit.
        let started = Instant::now();
        let (cpu, wall, _) = probe_times(8, Duration::from_millis(2));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(cpu > Duration::ZERO && wall >= Duration::from_millis(2));
    }
}
