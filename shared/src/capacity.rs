//! How much parallel CPU this machine gives *right now*.
//!
//! `available_parallelism()` says how many cores this process may use, not how many are free: a
//! browser tab or a build spinning on one core of two leaves a parallel variant one core, and a
//! lesson that judged it against two would call a correct program slow. So the lessons measure
//! the capacity with a probe whose parallelism is known: `threads` threads, started together,
//! each spinning on independent work. The CPU time they obtain divided by the wall time they
//! took is the number of cores that were really available during the probe.
//!
//! One probe lasts a few milliseconds, too short to stand for a whole experiment; so probes run
//! *between* the experiment's own repetitions ([`crate::measure::interleaved_probed`]), see the
//! same moments as the variants, and are pooled into one [`Capacity`]. A probe that short can
//! also be fooled (threads that just woke may push a busy program aside for a moment), so the
//! kit also counts what other programs used during the runs themselves, and keeps the lower
//! figure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::value::{Measured, Phrase};

/// How long one probe spins: a few scheduler slices, short enough that probing between every
/// run of an experiment costs little.
pub const PROBE: Duration = Duration::from_millis(5);

/// Below this share of the cores asked for, the machine counts as busy. On the 2-core machine
/// these lessons were written on, two probe threads got 1.94 to 2.00 cores with every other
/// program held off (thread wake-up and the timer cost a little), and about 1.1 with one program
/// spinning in another session.
pub const BUSY_BELOW: f64 = 0.85;

/// The words every busy-machine line contains: the snapshot helpers look for them.
pub const BUSY_WORDS: &str = "another program was busy";

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
/// two virtual CPUs that are hyperthreads of one physical core, or a host busy with other guests,
/// give each thread a full core's time at part of a core's speed. CI's machine did that once: a
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
fn probe_times(threads: usize, duration: Duration) -> (Duration, Duration, u64) {
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
                                x.wrapping_mul(6364136223846793005).wrapping_add(1) % 1_000_003,
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

/// The CPU time every core of the machine has spent busy since boot (user, nice, system, irq,
/// softirq and steal in the first line of Linux's `/proc/stat`, counted in clock ticks).
fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| Duration::from_secs_f64(busy as f64 / per_second as f64))
}

/// CPU time used by this process and everything it started: itself and its reaped children
/// (`getrusage`), plus its live descendants (a process pool's workers), read from each
/// process's `/proc/[pid]/stat`. Without the live ones, a lesson's own worker processes would
/// count as "another program" and the machine would look busy while the lesson kept it busy.
fn own_cpu_time() -> Duration {
    crate::measure::cpu_time() + live_descendants_cpu().unwrap_or_default()
}

/// The CPU time (user and system, their reaped children's included) of every live process
/// descended from this one. Linux's `/proc/[pid]/task/[tid]/children` would list them directly,
/// but it needs `CONFIG_PROC_CHILDREN`, which many kernels (this machine's) leave out; so this
/// reads every process's parent from `/proc/[pid]/stat`.
fn live_descendants_cpu() -> Option<Duration> {
    let mut processes = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        // A process may end between listing and reading: skip it.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The name, in parentheses, may itself hold spaces and parentheses: fields start after
        // the last ')'. Then: state, ppid, ..., utime (14th field), stime, cutime, cstime.
        let Some(fields) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let fields: Vec<&str> = fields.split_whitespace().collect();
        let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        if let (Some(ppid), Some(u), Some(s), Some(cu), Some(cs)) =
            (number(1), number(11), number(12), number(13), number(14))
        {
            processes.push((pid, ppid as u32, u + s + cu + cs));
        }
    }
    let mut ticks = 0;
    let mut parents = vec![std::process::id()];
    while let Some(parent) = parents.pop() {
        for &(pid, _, used) in processes.iter().filter(|p| p.1 == parent) {
            ticks += used;
            parents.push(pid);
        }
    }
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (per_second > 0).then(|| Duration::from_secs_f64(ticks as f64 / per_second as f64))
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

/// What the machine gave during an experiment: the cores `workers` spinning threads obtained and
/// those one thread obtained, each pooled over every probe (total CPU time / total wall time).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Capacity {
    /// Cores this process may use (`available_parallelism`).
    pub cores: usize,
    /// Threads the parallel probe ran: the experiment's workers.
    pub workers: usize,
    /// Cores `workers` threads obtained; `None` when nothing was probed (the machine assumed free).
    pub parallel: Option<f64>,
    /// Cores one thread obtained: 1.0 unless the machine was overloaded.
    pub single: Option<f64>,
    /// Probes taken, of both kinds.
    pub probes: usize,
    /// Cores' worth of CPU that other programs used while the experiment's own runs went on
    /// (the whole machine's busy time in `/proc/stat`, less this process's); `None` where Linux
    /// cannot tell.
    pub others: Option<f64>,
    /// Cores the experiment itself showed it had: the most a parallel variant gained over one
    /// thread in its median run ([`Capacity::at_least`]). The same work done 1.9 times as fast
    /// as on one thread, typically, had 1.9 cores; so the capacity is never below it. (Not the
    /// one run that used the most CPU: a single lucky run says little about the others.)
    pub shown: Option<f64>,
}

impl Capacity {
    /// The machine assumed free: the ideal is `min(workers, cores)`, as before any probe.
    pub fn assumed(workers: usize, cores: usize) -> Capacity {
        Capacity {
            cores,
            workers,
            parallel: None,
            single: None,
            probes: 0,
            others: None,
            shown: None,
        }
    }

    /// Probes the machine now, a few times over (about 50 ms): for tests that must know whether
    /// the machine is free before they judge a speed.
    pub fn now(workers: usize) -> Capacity {
        let mut prober = Prober::new(workers);
        // While this thread sleeps, whatever else runs shows in the machine's busy time.
        prober.watch(|| std::thread::sleep(Duration::from_millis(100)));
        for _ in 0..10 {
            prober.probe();
        }
        prober.finish()
    }

    /// `min(workers, cores)`: what a free machine allows.
    pub fn nominal(&self) -> f64 {
        self.workers.min(self.cores).max(1) as f64
    }

    /// The cores `workers` threads could get, by the lower of the two measures (what the probes
    /// obtained, and the cores other programs left while the experiment ran), and never less than
    /// the experiment's own runs were seen to use.
    pub fn obtained(&self) -> Option<f64> {
        let left = self
            .others
            .map(|others| (self.cores as f64 - others).clamp(0.0, self.workers as f64));
        let measured = match (self.parallel, left) {
            (Some(probed), Some(left)) => Some(probed.min(left)),
            (probed, left) => probed.or(left),
        };
        let shown = self.shown_cores();
        match (measured, shown) {
            (Some(measured), Some(shown)) => Some(measured.max(shown)),
            (measured, shown) => measured.or(shown),
        }
    }

    /// The cores the experiment's own runs used at once, at most `min(workers, cores)`.
    fn shown_cores(&self) -> Option<f64> {
        self.shown.map(|shown| shown.min(self.nominal()))
    }

    /// Was the machine busy: did `workers` threads get well under the cores they could use?
    pub fn busy(&self) -> bool {
        self.obtained()
            .is_some_and(|got| got < BUSY_BELOW * self.nominal())
    }

    /// The most a job split across `workers` threads could gain over one thread in this run:
    /// `min(workers, cores)` on a free machine; on a busy one, at most the cores other programs
    /// left, and at most what the parallel probe obtained over what the single one did.
    pub fn ideal(&self, workers: usize) -> f64 {
        let nominal = workers.min(self.cores).max(1) as f64;
        if !self.busy() {
            return nominal;
        }
        let mut ideal = nominal;
        if let (Some(parallel), Some(single)) = (self.parallel, self.single) {
            ideal = ideal.min((parallel / single.max(1e-3)).max(1.0));
        }
        if let Some(others) = self.others {
            ideal = ideal.min((self.cores as f64 - others).max(1.0));
        }
        // What the experiment itself used was there for sure.
        if let Some(shown) = self.shown_cores() {
            ideal = ideal.max(shown.min(nominal));
        }
        ideal
    }

    /// This capacity, raised to at least `cores` if the experiment showed that many: a parallel
    /// variant that ran `cores` times as fast as one thread had them, whatever the probes saw.
    pub fn at_least(self, cores: f64) -> Capacity {
        if cores <= 0.0 {
            return self;
        }
        let shown = self.shown.map_or(cores, |shown| shown.max(cores));
        Capacity {
            shown: Some(shown),
            ..self
        }
    }

    /// One line for the report when the machine was busy: "This run got 1.33 of the 2 cores its
    /// 2 threads could use: another program was busy; speedups are judged against 1.33x, not 2x."
    pub fn busy_line(&self) -> Option<Phrase> {
        let judged = crate::phrase!(
            "speedups are judged against {}, not {}.",
            Measured::Ratio(self.ideal(self.workers)),
            Measured::Machine(format_ideal(self.nominal()))
        );
        self.busy_line_then(judged)
    }

    /// The busy line ending with `consequence` instead of the speedups' ideal, for an experiment
    /// that judges something else (a wait, an order of arrival): "This run got 1.10 of the 2 cores
    /// its 2 threads could use: another program was busy; {consequence}".
    pub fn busy_line_then(&self, consequence: Phrase) -> Option<Phrase> {
        let parallel = self.obtained().filter(|_| self.busy())?;
        let mut line = crate::phrase!(
            "This run got {} of the {} its {} could use",
            Measured::Varies(format!("{parallel:.2}")),
            Measured::Machine(count_of(self.nominal(), "core")),
            Measured::Machine(count_of(self.workers as f64, "thread"))
        );
        if let Some(single) = self.single.filter(|&s| s < BUSY_BELOW) {
            let one = crate::phrase!(" (one thread got {} of a core)", Measured::Share(single));
            line.segments.extend(one.segments);
        }
        let rest = crate::phrase!(": {}; ", BUSY_WORDS);
        line.segments.extend(rest.segments);
        line.segments.extend(consequence.segments);
        Some(line)
    }
}

/// "2x", or "1.33x" for an ideal measured on a busy machine.
pub fn format_ideal(ideal: f64) -> String {
    if (ideal - ideal.round()).abs() < 1e-9 {
        format!("{ideal}x")
    } else {
        format!("{ideal:.2}x")
    }
}

fn count_of(n: f64, what: &str) -> String {
    if n == 1.0 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Pools probes taken between an experiment's runs. Probes alternate: `workers` threads, then
/// one thread, so that both see the whole experiment.
#[derive(Debug)]
pub struct Prober {
    workers: usize,
    parallel: (Duration, Duration),
    single: (Duration, Duration),
    probes: usize,
    /// Other programs' CPU time and the wall time watched, over the experiment's runs.
    others: Option<(Duration, Duration)>,
}

impl Prober {
    pub fn new(workers: usize) -> Prober {
        Prober {
            workers: workers.max(1),
            parallel: (Duration::ZERO, Duration::ZERO),
            single: (Duration::ZERO, Duration::ZERO),
            probes: 0,
            others: Some((Duration::ZERO, Duration::ZERO)),
        }
    }

    /// Runs `run`, and counts the CPU time other programs used meanwhile. A short probe can
    /// preempt a busy program for a moment (a thread that just woke is owed time); a whole run
    /// cannot, so this sees what the probes may miss.
    pub fn watch<T>(&mut self, run: impl FnOnce() -> T) -> T {
        let before = (machine_busy(), own_cpu_time(), Instant::now());
        let result = run();
        let (machine, own, wall) = (machine_busy(), own_cpu_time(), before.2.elapsed());
        self.others = match (self.others, before.0, machine) {
            (Some((cpu, watched)), Some(start), Some(end)) => {
                let theirs = end
                    .saturating_sub(start)
                    .saturating_sub(own.saturating_sub(before.1));
                Some((cpu + theirs, watched + wall))
            }
            _ => None,
        };
        result
    }

    /// Takes the next probe (a few milliseconds).
    pub fn probe(&mut self) {
        let (threads, pool) = if self.probes.is_multiple_of(2) {
            (self.workers, &mut self.parallel)
        } else {
            (1, &mut self.single)
        };
        let (cpu, wall, _) = probe_times(threads, PROBE);
        pool.0 += cpu;
        pool.1 += wall;
        self.probes += 1;
    }

    pub fn finish(self) -> Capacity {
        let cores_of = |(cpu, wall): (Duration, Duration), threads: usize| {
            (!wall.is_zero()).then(|| (cpu.as_secs_f64() / wall.as_secs_f64()).min(threads as f64))
        };
        Capacity {
            cores: crate::machine::cores(),
            workers: self.workers,
            parallel: cores_of(self.parallel, self.workers),
            single: cores_of(self.single, 1),
            probes: self.probes,
            others: self.others.and_then(|(cpu, wall)| {
                (!wall.is_zero()).then(|| cpu.as_secs_f64() / wall.as_secs_f64())
            }),
            shown: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_process_is_not_another_program() {
        // A child that counts for a while, then sleeps: its CPU time is this process's own.
        let mut child = std::process::Command::new("sh")
            .args([
                "-c",
                "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 5",
            ])
            .spawn()
            .expect("sh runs");
        std::thread::sleep(Duration::from_millis(400));
        let ours = live_descendants_cpu().unwrap_or_default();
        child.kill().expect("the child is killed");
        child.wait().expect("the child is reaped");
        assert!(
            ours >= Duration::from_millis(20),
            "a live child's CPU time: {ours:?}"
        );
    }

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

    fn measured(parallel: f64, single: f64) -> Capacity {
        Capacity {
            cores: 2,
            workers: 2,
            parallel: Some(parallel),
            single: Some(single),
            probes: 20,
            others: None,
            shown: None,
        }
    }

    #[test]
    fn a_free_machine_allows_the_nominal_ideal() {
        let free = measured(1.95, 1.0);
        assert!(!free.busy());
        assert_eq!(free.ideal(2), 2.0);
        assert_eq!(free.ideal(1), 1.0);
        assert!(free.busy_line().is_none());
        assert_eq!(Capacity::assumed(4, 2).ideal(4), 2.0);
    }

    #[test]
    fn a_busy_machine_lowers_the_ideal_and_says_so() {
        let busy = measured(1.33, 1.0);
        assert!(busy.busy());
        assert!((busy.ideal(2) - 1.33).abs() < 1e-9);
        assert_eq!(busy.ideal(1), 1.0);
        let line = busy.busy_line().expect("a line").render(false);
        assert_eq!(
            line,
            "This run got 1.33 of the 2 cores its 2 threads could use: another program was busy; \
             speedups are judged against 1.33x, not 2x."
        );
        let then = busy.busy_line_then("waits are not judged.".into());
        assert_eq!(
            then.expect("a line").render(false),
            "This run got 1.33 of the 2 cores its 2 threads could use: another program was busy; \
             waits are not judged."
        );
        assert!(measured(1.95, 1.0).busy_line_then("x".into()).is_none());
        // Overloaded: one thread got half a core, two got 0.8; relative to one thread, 1.6x.
        let overloaded = measured(0.8, 0.5);
        assert!((overloaded.ideal(2) - 1.6).abs() < 1e-9);
        assert!(
            overloaded
                .busy_line()
                .unwrap()
                .render(false)
                .contains("one thread got 50%")
        );
    }

    #[test]
    fn a_program_the_probes_preempted_still_shows_in_the_machines_busy_time() {
        // The short probes got nearly 2 cores, but another program used a core all along.
        let fooled = Capacity {
            others: Some(1.0),
            ..measured(1.95, 1.0)
        };
        assert!(fooled.busy());
        assert_eq!(fooled.obtained(), Some(1.0));
        assert_eq!(fooled.ideal(2), 1.0);
        let quiet = Capacity {
            others: Some(0.03),
            ..measured(1.97, 1.0)
        };
        assert!(!quiet.busy());
    }

    #[test]
    fn what_the_experiment_showed_is_never_called_busy() {
        // Issue 11's false reading: the probes pooled 1.38 of 2 cores, other programs used 0.03,
        // and the experiment's own threads ran 1.91x as fast as one thread.
        let seen = Capacity {
            others: Some(0.03),
            shown: Some(1.91),
            ..measured(1.38, 1.0)
        };
        assert!(!seen.busy(), "{seen:?}");
        assert_eq!(seen.obtained(), Some(1.91));
        assert_eq!(seen.ideal(2), 2.0);
        let ms = std::time::Duration::from_millis;
        let threads = crate::speedup::Speedup::judged(ms(191), ms(100), 2, &seen);
        assert!(threads.efficiency() <= 1.05, "{threads:?}");
        // Really busy: what the experiment showed caps nothing, it only sets a floor under the ideal.
        let busy = Capacity {
            others: Some(0.9),
            shown: Some(1.2),
            ..measured(1.1, 1.0)
        };
        assert!(busy.busy());
        assert!((busy.ideal(2) - 1.2).abs() < 1e-9, "{busy:?}");
        // Never more than the cores the workers could use.
        let more = Capacity {
            shown: Some(2.4),
            ..measured(1.0, 1.0)
        };
        assert_eq!(more.obtained(), Some(2.0));
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

    #[test]
    fn a_prober_pools_both_kinds_of_probe() {
        let mut prober = Prober::new(2);
        for _ in 0..4 {
            prober.probe();
        }
        let capacity = prober.finish();
        assert_eq!(capacity.probes, 4);
        let (parallel, single) = (capacity.parallel.unwrap(), capacity.single.unwrap());
        assert!(parallel > 0.0 && parallel <= 2.0, "{capacity:?}");
        assert!(single > 0.0 && single <= 1.0, "{capacity:?}");
    }
}
