//! `cargo run -p lesson-02-deadlock`: the guided tour of lesson 02.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use lesson_02_deadlock::{fixes, philosophers, two_locks};
use lesson_kit::cli::{self, CommonArgs};

/// Lesson 02: two locks in opposite order, a watchdog that finds the deadlock, the fixes, and the
/// dining philosophers.
#[derive(Debug, Parser)]
#[command(name = "lesson-02-deadlock")]
struct Args {
    /// Transfers each fix makes, shared among the worker threads
    #[arg(long, value_name = "N", default_value_t = 20_000,
          value_parser = clap::value_parser!(u64).range(100..=100_000_000))]
    size: u64,

    /// Philosophers (and forks) at the table
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u16).range(2..=64))]
    philosophers: u16,

    /// Meals each philosopher must eat
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    meals: u16,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// two threads take two locks in opposite order; the watchdog finds the deadlock
    OppositeOrder,
    /// lock order, try_lock_for with back-off, one coarse lock, an owner thread: timed
    Fixes,
    /// N philosophers, N forks: left fork first deadlocks; three fixes, and how many eat at once
    Philosophers,
}

/// Trials of experiment 1 with the window forced open, and as usually written.
const FORCED_TRIALS: usize = 5;
const UNFORCED_TRIALS: usize = 200;

fn main() -> ExitCode {
    let args: Args = cli::parse();
    let common = &args.common;
    let mut report = common.start_report(
        "Lesson 02 · Deadlock",
        "Two locks in opposite order, a watchdog that finds the cycle, and four ways out.",
    );
    let (workers, reps) = (common.workers(), common.reps());
    if common.wants(Experiment::OppositeOrder) {
        report.add(two_locks::opposite_lock_order(
            FORCED_TRIALS,
            UNFORCED_TRIALS,
        ));
    }
    if common.wants(Experiment::Fixes) {
        report.add(fixes::the_fixes(args.size, workers, reps));
    }
    if common.wants(Experiment::Philosophers) {
        report.add(philosophers::dining_philosophers(
            usize::from(args.philosophers),
            usize::from(args.meals),
            reps,
        ));
    }
    report.conclude()
}
