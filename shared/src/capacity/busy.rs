//! What the machine gave during an experiment ([`Capacity`]): whether it was busy, the speedup
//! a job could reach in it, and the line the report prints when another program was busy.

use std::time::Duration;

use serde::Serialize;

use super::Prober;
use crate::value::{Measured, Phrase};

/// Below this share of the cores asked for, the machine counts as busy. On the 2-core machine
/// these lessons were written on, two probe threads got 1.94 to 2.00 cores with every other
/// program held off (thread wake-up and the timer cost a little), and about 1.1 with one program
/// spinning in another session.
pub const BUSY_BELOW: f64 = 0.85;

/// The words every busy-machine line contains: the snapshot helpers look for them.
pub const BUSY_WORDS: &str = "another program was busy";

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
