//! The judge: exact counts for random awkward splits, the requested threads really running, a
//! real speedup timed by the judge, no lost update, and no lock in part 2. Every failure says
//! what the answer did, in a student's words. Each check starts its own contained runner, so
//! one fault fails one check.
//!
//! - [`dice`]: inputs the answer cannot know in advance, and the exact counts for them.
//! - [`counts`]: part 1 counts every number once, on the threads asked for.
//! - [`speedup`]: part 1 is really faster on two cores, timed by the judge.
//! - [`tally`]: part 2 loses no roll from the shared tally, and uses no lock.

mod counts;
mod dice;
mod speedup;
mod tally;

use std::time::Duration;

use lesson_kit::exercise::{Checklist, Contained, Judged, Limits, Observation, Sandbox};

use crate::Request;
use lesson_kit::exercise::Dice;
use tally::{no_lock, one_step};

/// `cargo run -p lesson-01-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str, source: &str) -> ! {
    println!("Checking {name} against lesson 01's exercise");
    let mut judge = Judge::new();
    let checklist = judge.check(source);
    println!("The answer ran contained: {}.", judge.runner.files);
    print!("{}", judge.runner.notes);
    checklist.print_and_exit()
}

/// Runs the checks in turn, each with a fresh runner, and keeps what the answer printed.
pub struct Judge {
    dice: Dice,
    /// Each check's runner, what protects the files, and what the answer printed.
    pub runner: Contained,
}

impl Default for Judge {
    fn default() -> Self {
        Judge::new()
    }
}

impl Judge {
    pub fn new() -> Judge {
        Judge {
            dice: Dice::new(),
            runner: Contained::new(),
        }
    }

    pub fn check(&mut self, source: &str) -> Checklist {
        let mut checklist = Checklist::new();
        let exact = self.contained("part 1, exact counts", |j, s| j.exact_counts(s));
        checklist.record("part 1, exact counts", exact);
        let ran = self.contained("part 1, threads really ran", |j, s| j.threads_ran(s));
        checklist.record("part 1, threads really ran", ran);
        let speedup = self.contained("part 1, real speedup", |j, s| j.real_speedup(s));
        checklist.record_unless_busy("part 1, real speedup", speedup);
        let counted = self.contained("part 2, no lost updates", |j, s| j.no_lost_updates(s));
        // Trials catch a lost update on every increment; a write that races only once per thread
        // (a local sum, then a load and a store) slips through them, so the code is read too.
        let counted = counted.and_then(|held| one_step(source).map(|()| held));
        checklist.record("part 2, no lost updates", counted);
        checklist.record("part 2, without a lock", no_lock(source));
        checklist
    }

    /// Runs one check in a fresh runner and turns its faults into the check's failure.
    fn contained(
        &mut self,
        name: &str,
        check: impl FnOnce(&mut Judge, &mut Sandbox) -> Result<String, Judged>,
    ) -> Result<String, String> {
        // The check needs the judge (its dice) while the runner runs it.
        let mut runner = std::mem::take(&mut self.runner);
        let result = runner.check(name, limits(), |sandbox| check(self, sandbox));
        self.runner = runner;
        result
    }
}

fn ask_primes(
    sandbox: &mut Sandbox,
    numbers: std::ops::Range<u64>,
    threads: usize,
) -> Result<Observation<u64>, Judged> {
    let seen: Observation<Vec<u64>> = sandbox
        .ask(&Request::CountPrimes {
            start: numbers.start,
            end: numbers.end,
            threads,
        })
        .map_err(Judged::Fault)?;
    Ok(Observation {
        reply: seen.reply.first().copied().unwrap_or(0),
        wall: seen.wall,
        cpu: seen.cpu,
        peak_threads: seen.peak_threads,
        threads_seen: seen.threads_seen,
    })
}

/// Lesson 01's answer needs little: a few threads, little memory, seconds of CPU.
fn limits() -> Limits {
    Limits {
        reply_within: Duration::from_secs(10),
        ..Limits::default()
    }
}
