//! Measuring variants of an experiment fairly on a noisy machine.
//!
//! A single timing is worth little: this machine's CPU speed drifts by up to 3x between runs, and a
//! background job can steal a core for a moment. So variants are run *interleaved* (A B C A B C ...)
//! so that a slow patch hits all of them alike, and each is summarised by its minimum (the run with
//! the least interference, the best estimate of what the code costs) and its median.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::capacity::{Capacity, Prober};

/// One timed run of a variant.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sample {
    /// Wall-clock time: what the user waits.
    pub wall: Duration,
    /// CPU time (user + system) of this process and its waited-for children during the run.
    pub cpu: Duration,
    /// Peak resident memory of this process during the run, where Linux can tell.
    pub peak_rss_bytes: Option<u64>,
}

impl Sample {
    /// CPU time as a share of everything the machine's cores could have done in the wall time:
    /// 100% means every core was busy for the whole run.
    pub fn cpu_utilisation(&self, cores: usize) -> f64 {
        let capacity = self.wall.as_secs_f64() * cores as f64;
        if capacity == 0.0 {
            0.0
        } else {
            self.cpu.as_secs_f64() / capacity
        }
    }
}

/// Runs `work` once and measures it.
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Sample) {
    reset_peak_rss();
    let cpu_before = cpu_time();
    let started = Instant::now();
    let result = work();
    let wall = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    (
        result,
        Sample {
            wall,
            cpu,
            peak_rss_bytes: peak_rss(),
        },
    )
}

/// A named way of doing the experiment's work.
pub struct Variant<'a, T> {
    pub name: String,
    run: Box<dyn FnMut() -> T + 'a>,
}

impl<'a, T> Variant<'a, T> {
    pub fn new(name: impl Into<String>, run: impl FnMut() -> T + 'a) -> Self {
        Variant {
            name: name.into(),
            run: Box::new(run),
        }
    }
}

/// Every run of one variant: its samples and the result each run produced.
#[derive(Debug, Clone)]
pub struct Runs<T> {
    pub name: String,
    pub samples: Vec<Sample>,
    pub results: Vec<T>,
}

impl<T> Runs<T> {
    /// The fastest run: the best estimate of the cost of the code itself.
    pub fn min_wall(&self) -> Duration {
        self.samples
            .iter()
            .map(|s| s.wall)
            .min()
            .unwrap_or_default()
    }

    /// The slowest run: with the fastest, the spread of the runs.
    pub fn max_wall(&self) -> Duration {
        self.samples
            .iter()
            .map(|s| s.wall)
            .max()
            .unwrap_or_default()
    }

    /// The typical run.
    pub fn median_wall(&self) -> Duration {
        median(self.samples.iter().map(|s| s.wall).collect())
    }

    /// CPU utilisation of the typical run, as a share of the machine's cores.
    pub fn median_cpu_utilisation(&self, cores: usize) -> f64 {
        let mut shares: Vec<f64> = self
            .samples
            .iter()
            .map(|s| s.cpu_utilisation(cores))
            .collect();
        shares.sort_by(f64::total_cmp);
        shares.get(shares.len() / 2).copied().unwrap_or(0.0)
    }

    /// The highest resident memory any run reached.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        self.samples.iter().filter_map(|s| s.peak_rss_bytes).max()
    }
}

/// Runs every variant `repetitions` times, interleaved: A B C, A B C, ...
pub fn interleaved<T>(repetitions: usize, variants: Vec<Variant<'_, T>>) -> Vec<Runs<T>> {
    interleaved_with(repetitions, variants, |run| run(), || {})
}

/// As [`interleaved`], with a capacity probe after every run (A probe B probe C probe ...), so
/// that the probes see the same moments as the variants: the cores that `workers` threads, and
/// one thread, really obtained while the experiment ran.
pub fn interleaved_probed<T>(
    repetitions: usize,
    workers: usize,
    variants: Vec<Variant<'_, T>>,
) -> (Vec<Runs<T>>, Capacity) {
    let prober = std::cell::RefCell::new(Prober::new(workers));
    let runs = interleaved_with(
        repetitions,
        variants,
        |run| prober.borrow_mut().watch(run),
        || prober.borrow_mut().probe(),
    );
    (runs, prober.into_inner().finish())
}

fn interleaved_with<T>(
    repetitions: usize,
    mut variants: Vec<Variant<'_, T>>,
    mut around_each_run: impl FnMut(&mut dyn FnMut()),
    mut after_each_run: impl FnMut(),
) -> Vec<Runs<T>> {
    let mut runs: Vec<Runs<T>> = variants
        .iter()
        .map(|v| Runs {
            name: v.name.clone(),
            samples: Vec::new(),
            results: Vec::new(),
        })
        .collect();
    for _ in 0..repetitions.max(1) {
        for (variant, runs) in variants.iter_mut().zip(runs.iter_mut()) {
            let mut measured = None;
            around_each_run(&mut || measured = Some(measure(&mut variant.run)));
            let (result, sample) = measured.expect("the run was measured");
            runs.samples.push(sample);
            runs.results.push(result);
            after_each_run();
        }
    }
    runs
}

/// The one result every run of every variant produced, or a description of who disagreed.
/// Experiments print this check: a fast variant that computes the wrong answer is no speedup.
pub fn agreed_result<T: PartialEq + Clone + std::fmt::Debug>(
    runs: &[Runs<T>],
) -> Result<T, String> {
    let first = runs
        .iter()
        .flat_map(|r| r.results.first())
        .next()
        .ok_or_else(|| "no variant produced a result".to_string())?;
    for r in runs {
        if let Some(other) = r.results.iter().find(|result| *result != first) {
            return Err(format!("{} produced {other:?}, others {first:?}", r.name));
        }
    }
    Ok(first.clone())
}

/// The middle value (the lower middle for an even count).
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or_default()
}

/// User + system CPU time of this process and of its children that have been waited for.
pub fn cpu_time() -> Duration {
    rusage_cpu(libc::RUSAGE_SELF) + rusage_cpu(libc::RUSAGE_CHILDREN)
}

fn rusage_cpu(who: libc::c_int) -> Duration {
    // SAFETY: getrusage only writes into the struct we hand it; an all-zero rusage is valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(who, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let as_duration = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    as_duration(usage.ru_utime) + as_duration(usage.ru_stime)
}

/// Linux keeps a high-water mark of resident memory; writing 5 to `clear_refs` resets it to the
/// current size, so the mark read after a run is that run's own peak.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Starts a measurement of the memory a piece of work adds: hands malloc's free memory back to
/// the kernel (glibc's `malloc_trim`; earlier work's freed chunks would otherwise be reused
/// without raising resident memory), resets the high-water mark, and returns the resident memory
/// now. [`rss_added_since`] then gives how far the work raised it.
pub fn rss_baseline() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only releases free memory of malloc's own.
    unsafe {
        libc::malloc_trim(0);
    }
    // Without the reset, the mark would be the whole life's peak: then say nothing.
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    current_rss()
}

/// The most resident memory rose above `baseline` (from [`rss_baseline`]) since it was taken.
pub fn rss_added_since(baseline: Option<u64>) -> Option<u64> {
    Some(peak_rss()?.saturating_sub(baseline?))
}

/// The high-water mark of resident memory (VmHWM), in bytes.
pub fn peak_rss() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// The resident memory right now (VmRSS), in bytes.
pub fn current_rss() -> Option<u64> {
    status_kib("VmRSS:").map(|kib| kib * 1024)
}

/// What the last repetition of a variant left behind (its timeline, its outputs), for the report.
///
/// Every repetition records it, so that all repetitions cost the same, and each replaces the one
/// before. The variants' closures all borrow it while they wait their turn in [`interleaved`],
/// so it changes through a shared reference (a `RefCell`: the variants run on one thread).
#[derive(Debug)]
pub struct LastRun<T>(std::cell::RefCell<Option<T>>);

impl<T> Default for LastRun<T> {
    fn default() -> Self {
        LastRun(std::cell::RefCell::new(None))
    }
}

impl<T> LastRun<T> {
    pub fn new() -> LastRun<T> {
        LastRun::default()
    }

    /// Keeps `value`, in place of what an earlier repetition kept.
    pub fn keep(&self, value: T) {
        *self.0.borrow_mut() = Some(value);
    }

    /// What the last repetition kept; `None` when none ran (or none kept anything).
    pub fn into_inner(self) -> Option<T> {
        self.0.into_inner()
    }
}

/// The threads this process has right now, where Linux can tell: a lesson that promises to leave
/// no thread behind counts them before and after.
pub fn thread_count() -> Option<usize> {
    status_kib("Threads:").map(|n| n as usize)
}

/// The threads of this process before some work and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadsAround {
    pub before: usize,
    pub after: usize,
}

impl ThreadsAround {
    /// No thread the work started outlived it (a thread that ended meanwhile may make it fewer).
    pub fn none_left(&self) -> bool {
        self.after <= self.before
    }
}

/// Runs `work`, counting this process's threads before and after it: the check of a lesson
/// that promises to leave no thread behind. `None` where the system cannot count them. Count
/// around work that joins what it starts, on a thread that no other test shares the process
/// with at the time, or the others' threads are counted too.
pub fn threads_around<R>(work: impl FnOnce() -> R) -> (R, Option<ThreadsAround>) {
    let before = thread_count();
    let result = work();
    let around = before
        .zip(thread_count())
        .map(|(before, after)| ThreadsAround { before, after });
    (result, around)
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    crate::process::status_field(&status, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_left_unless_there_are_more_threads_after() {
        assert!(
            ThreadsAround {
                before: 3,
                after: 3
            }
            .none_left()
        );
        assert!(
            ThreadsAround {
                before: 3,
                after: 2
            }
            .none_left()
        );
        assert!(
            !ThreadsAround {
                before: 3,
                after: 4
            }
            .none_left()
        );
    }

    #[test]
    fn last_run_keeps_what_the_last_repetition_kept() {
        let last = LastRun::new();
        let runs = interleaved(
            3,
            vec![Variant::new("counts", {
                let (last, mut n) = (&last, 0);
                move || {
                    n += 1;
                    last.keep(n);
                    n
                }
            })],
        );
        assert_eq!(runs[0].results, vec![1, 2, 3]);
        assert_eq!(last.into_inner(), Some(3));
        assert_eq!(LastRun::<u8>::new().into_inner(), None);
    }

    #[test]
    fn interleaves_variants_and_keeps_every_result() {
        let order = std::cell::RefCell::new(Vec::new());
        let runs = interleaved(
            3,
            vec![
                Variant::new("a", || {
                    order.borrow_mut().push('a');
                    1
                }),
                Variant::new("b", || {
                    order.borrow_mut().push('b');
                    1
                }),
            ],
        );
        assert_eq!(order.into_inner(), vec!['a', 'b', 'a', 'b', 'a', 'b']);
        assert_eq!(runs[0].results, vec![1, 1, 1]);
        assert_eq!(agreed_result(&runs), Ok(1));
    }

    #[test]
    fn probes_run_between_every_run() {
        let (runs, capacity) =
            interleaved_probed(2, 2, vec![Variant::new("a", || 1), Variant::new("b", || 1)]);
        assert_eq!(runs[1].results, vec![1, 1]);
        assert_eq!((capacity.probes, capacity.workers), (4, 2));
        assert!(capacity.parallel.is_some() && capacity.single.is_some());
    }

    #[test]
    fn a_disagreeing_variant_is_named() {
        let runs = interleaved(
            1,
            vec![Variant::new("right", || 7), Variant::new("wrong", || 8)],
        );
        let error = agreed_result(&runs).unwrap_err();
        assert!(error.contains("wrong produced 8"), "{error}");
    }

    #[test]
    fn cpu_time_grows_with_busy_work() {
        // Spins until this thread has had 30 ms of CPU, however long a busy machine makes that
        // take: the process's CPU time must then have grown by at least as much.
        let (_, sample) = measure(|| {
            let began = crate::capacity::thread_cpu_time();
            let mut x = 0u64;
            while crate::capacity::thread_cpu_time() - began < Duration::from_millis(30) {
                for _ in 0..1000 {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
        });
        assert!(sample.cpu >= Duration::from_millis(29), "{sample:?}");
        assert!(sample.wall >= Duration::from_millis(29), "{sample:?}");
        assert!(sample.peak_rss_bytes.is_some());
    }

    #[test]
    fn median_of_even_count_is_lower_middle() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(4), ms(1), ms(3), ms(2)]), ms(2));
    }
}
