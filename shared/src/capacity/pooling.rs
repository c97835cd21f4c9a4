//! Pooling probes taken between an experiment's runs ([`Prober`]), and counting what other
//! programs used while the runs themselves went on, into one [`Capacity`].

use std::time::{Duration, Instant};

use super::cpu_time::{machine_busy, own_cpu_time};
use super::spinning::probe_times;
use super::{Capacity, PROBE};

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
