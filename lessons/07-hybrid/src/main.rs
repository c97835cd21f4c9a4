//! `cargo run -p lesson-07-hybrid`: the guided tour of lesson 07.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use lesson_07_hybrid::run::Shared;
use lesson_07_hybrid::{Setup, batch, failures, overlap, six_ways};
use lesson_kit::cli::{self, CommonArgs};
use lesson_kit::priority::Background;
use local_server::LocalServer;

/// Lesson 07: async downloads feeding CPU work: CPU work in the tasks, spawn_blocking, a
/// Semaphore, two phases, a streaming pipeline and a process pool, against their ideal.
#[derive(Debug, Parser)]
#[command(name = "lesson-07-hybrid")]
struct Args {
    /// Photos in the batch [default: 64 in a release build, 16 in a debug build, whose tour
    /// must stay short]
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    size: Option<u32>,

    /// The server's delay before each photo, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 12,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    delay_ms: u64,

    /// Downloads in flight at once
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    concurrency: u32,

    /// Photos the pipeline's channel holds between its stages
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    channel: u32,

    /// The priority of the threads that make thumbnails: `nice` (nice 10) or `idle`
    /// (SCHED_IDLE) lets a waking runtime thread take a core at once; `normal` leaves them as
    /// the runtime's
    #[arg(long, value_name = "PRIORITY", default_value = "nice")]
    cpu_priority: CpuPriority,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// the batch six ways: CPU in tasks, spawn_blocking, a Semaphore, two phases, a pipeline, a process pool
    SixWays,
    /// one run of three ways drawn: downloads and CPU work on rows of their own
    Timeline,
    /// a photo the server never delivers: retried, named, and the rest made
    Failures,
}

/// The priority of the CPU workers (`--cpu-priority`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CpuPriority {
    /// as the runtime's threads
    Normal,
    /// nice 10: a tenth of a normal thread's weight
    Nice,
    /// SCHED_IDLE: runs only when no normal thread wants the core
    Idle,
}

/// The photos of the batch, and why that many: a release build's batch is long enough that a
/// run's fixed costs (a runtime, a client, a process pool started) weigh little.
fn photos(chosen: Option<u32>) -> (usize, &'static str) {
    match chosen {
        Some(n) => (n as usize, "as chosen with --size"),
        None if cfg!(debug_assertions) => (16, "a debug build's default; a release build takes 64"),
        None => (64, "a release build's default"),
    }
}

fn main() -> ExitCode {
    // Started again as a worker of the process pool: serve thumbnails, never return.
    lesson_04_process_pool::worker::serve_if_worker();
    let args: Args = cli::parse();
    let common = &args.common;
    let mut report = common.start_report(
        "Lesson 07 · Hybrid",
        "Async downloads feeding CPU work: where the CPU work runs decides whether the \
         downloads keep flowing.",
    );
    let (photos, why) = photos(args.size);
    let setup = Setup {
        photos,
        delay: Duration::from_millis(args.delay_ms),
        concurrency: args.concurrency as usize,
        workers: common.workers(),
        channel: args.channel as usize,
        reps: common.reps(),
        background: match args.cpu_priority {
            CpuPriority::Normal => None,
            CpuPriority::Nice => Some(Background::Nice),
            CpuPriority::Idle => Some(Background::Idle),
        },
    };
    let server = LocalServer::start().expect("the local server starts");
    lesson_07_hybrid::warm_up(&server);
    let ctx = Arc::new(Shared::new(
        batch(&server.base_url(), setup.photos, setup.delay),
        setup.clone(),
    ));
    if common.wants(Experiment::SixWays) {
        report.add(six_ways::six_ways(&ctx, &server, why));
    }
    if common.wants(Experiment::Timeline) {
        report.add(overlap::overlap(&ctx, &server));
    }
    if common.wants(Experiment::Failures) {
        report.add(failures::failures(&setup, &server));
    }
    report.conclude()
}
