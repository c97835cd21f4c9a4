//! `cargo run -p lesson-06-forgotten-await`: the guided tour of lesson 06.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use lesson_06_forgotten_await::{blocking, cancel, detached, guard, nested, never_awaited};
use lesson_kit::cli::{self, CommonArgs};

/// Lesson 06: a forgotten .await, a blocked runtime, a runtime inside a runtime, a guard held
/// across .await, errors lost in detached tasks, and cancellation.
#[derive(Debug, Parser)]
#[command(name = "lesson-06-forgotten-await")]
struct Args {
    /// Tasks that block or wait in the blocking-the-runtime experiment
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    size: u32,

    /// How long each of those tasks waits or computes, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(1..=2_000))]
    block_ms: u64,

    /// Lock, add, unlock operations per run in the guard-across-await experiment
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
    ops: u64,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// a future that is never awaited does nothing; what warns about it
    NeverAwaited,
    /// blocking calls and CPU work in tasks stall the runtime; a heartbeat measures it
    BlockingTheRuntime,
    /// block_on or drop of a runtime inside a task panics; reqwest::blocking inside async code
    RuntimeInRuntime,
    /// a std MutexGuard held across .await; the fixes and what the tokio Mutex costs
    GuardAcrossAwait,
    /// errors and panics of tasks nobody joins are lost; a JoinSet collects them
    DetachedErrors,
    /// timeout and select! cut a future at its .await; spawn_blocking cannot be cut
    Cancellation,
}

fn main() -> ExitCode {
    let args: Args = cli::parse();
    let common = &args.common;
    let mut report = common.start_report(
        "Lesson 06 · Forgotten await",
        "The ways async code goes wrong without an error: work never started, a runtime stalled, \
         failures lost, work cut in half; each shown, measured and fixed.",
    );
    if common.wants(Experiment::NeverAwaited) {
        report.add(never_awaited::never_awaited());
    }
    if common.wants(Experiment::BlockingTheRuntime) {
        report.add(blocking::blocking_the_runtime(
            args.size as usize,
            Duration::from_millis(args.block_ms),
            common.workers(),
            common.reps(),
        ));
    }
    if common.wants(Experiment::RuntimeInRuntime) {
        report.add(nested::runtime_in_runtime());
    }
    if common.wants(Experiment::GuardAcrossAwait) {
        report.add(guard::guard_across_await(args.ops, common.reps()));
    }
    if common.wants(Experiment::DetachedErrors) {
        report.add(detached::detached_errors());
    }
    if common.wants(Experiment::Cancellation) {
        report.add(cancel::cancellation());
    }
    report.conclude()
}
