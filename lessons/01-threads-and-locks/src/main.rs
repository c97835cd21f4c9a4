//! `cargo run -p lesson-01-threads-and-locks`: the guided tour of lesson 01.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use lesson_01_threads_and_locks::{counter, cpu_work, sharing, spawned};
use lesson_kit::cli::{self, CommonArgs};

/// Lesson 01: shared counters, locks, atomics, threads for CPU work, and a GIL simulator.
#[derive(Debug, Parser)]
#[command(name = "lesson-01-threads-and-locks")]
struct Args {
    /// Count primes below N, and share N increments among the threads
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
    size: u64,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// 10 threads x 1000 increments: locks and atomics versus a racy read-then-write
    SharedCounter,
    /// Python's threading.Thread(target=...): thread::spawn, move and Arc<Mutex<T>>
    SpawnedThreads,
    /// the same increments with per-thread sums, an atomic, and two kinds of mutex
    CostOfSharing,
    /// counting primes: one thread, scoped threads, rayon, and a GIL simulator
    CpuWork,
}

/// How many times the shared counter runs: enough for a rare race to show.
const COUNTER_TRIALS: usize = 200;

fn main() -> ExitCode {
    let args: Args = cli::parse();
    let common = &args.common;
    let mut report = common.start_report(
        "Lesson 01 · Threads and locks",
        "Locks and atomics for shared state, and threads for CPU work, measured on this machine.",
    );
    let (workers, reps) = (common.workers(), common.reps());
    if common.wants(Experiment::SharedCounter) {
        report.add(counter::shared_counter(COUNTER_TRIALS));
    }
    if common.wants(Experiment::SpawnedThreads) {
        report.add(spawned::spawned_threads());
    }
    if common.wants(Experiment::CostOfSharing) {
        report.add(sharing::cost_of_sharing(args.size, workers, reps));
    }
    if common.wants(Experiment::CpuWork) {
        report.add(cpu_work::cpu_work(args.size, workers, reps));
    }
    report.conclude()
}
