//! `cargo run -p lesson-03-producer-consumer`: the guided tour of lesson 03.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use lesson_03_producer_consumer::{
    async_tasks, backpressure, fan_out, faults, shutdown, throughput,
};
use lesson_kit::cli::{self, CommonArgs};

/// Lesson 03: producers and consumers over channels: fan-out, shutting down, lost items,
/// backpressure, and the async counterpart.
#[derive(Debug, Parser)]
#[command(name = "lesson-03-producer-consumer")]
struct Args {
    /// Items through each queue in the throughput experiment
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
    size: u64,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// one producer, several consumers: crossbeam, std::mpsc, and a receiver behind a lock
    FanOut,
    /// small items per second through each channel and a Mutex<VecDeque> baseline
    Throughput,
    /// poison pills versus closing the channel; forgotten senders and panicking consumers
    Shutdown,
    /// a consumer panics: how many items are lost, and how to make the loss visible
    ConsumerPanics,
    /// a fast producer: unbounded backlog and memory against a bounded queue
    Backpressure,
    /// the same pipeline with tokio tasks and tokio::sync::mpsc
    Async,
}

fn main() -> ExitCode {
    let args: Args = cli::parse();
    let common = &args.common;
    let mut report = common.start_report(
        "Lesson 03 · Producers and consumers",
        "Queues between threads and tasks: who gets each item, how they stop, what a full queue costs.",
    );
    let (workers, reps) = (common.workers(), common.reps());
    if common.wants(Experiment::FanOut) {
        report.add(fan_out::fan_out(workers, reps));
    }
    if common.wants(Experiment::Throughput) {
        report.add(throughput::throughput(args.size, workers, reps));
    }
    if common.wants(Experiment::Shutdown) {
        report.add(shutdown::shutdown(workers));
    }
    if common.wants(Experiment::ConsumerPanics) {
        report.add(faults::consumer_panics(workers));
    }
    if common.wants(Experiment::Backpressure) {
        report.add(backpressure::backpressure(workers, reps));
    }
    if common.wants(Experiment::Async) {
        report.add(async_tasks::async_counterpart(workers, reps));
    }
    report.conclude()
}
