//! `cargo run -p lesson-04-process-pool`: the guided tour of lesson 04.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use lesson_04_process_pool::cpu_jobs::{self, Setup};
use lesson_04_process_pool::{costs, crashes, shared_memory, thumbnails, worker};
use lesson_kit::cli::{self, CommonArgs};

/// Lesson 04: process pools: what worker processes cost, and what they buy.
#[derive(Debug, Parser)]
#[command(name = "lesson-04-process-pool")]
struct Args {
    /// Count primes below N; each sum of squares runs over about 10 x N numbers
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(10_000..=100_000_000))]
    size: u64,

    /// How many photos to make thumbnails of [default: 6 in a release build (three per worker
    /// on 2 cores, so that the slower first tasks of fresh workers do not decide the speedup),
    /// 4 of a quarter the size (1500x1000) in a debug build, so that its tour stays short]
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=200))]
    photos: Option<u16>,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// counting primes: sequential, rayon, the GIL simulator, a process pool
    Primes,
    /// the articles' sum of squares, the same four ways
    Squares,
    /// decode, resize and encode JPEG photos, the same ways and one more
    Thumbnails,
    /// what processes cost: start-up, messages, memory, and when a pool wins or loses
    Costs,
    /// memory shared between worker processes: an AtomicU64 they all map
    Shared,
    /// what processes buy: tasks that panic, abort, are killed or corrupt the pipe
    Crashes,
}

/// The sums of squares: as many tasks as the articles use.
const SQUARE_TASKS: u64 = 8;

/// The photos of the thumbnail batch, and why that many.
fn photos(chosen: Option<u16>) -> (usize, &'static str) {
    match chosen {
        Some(n) => (usize::from(n), "as chosen with --photos"),
        None if cfg!(debug_assertions) => (
            4,
            "a debug build's default, of a quarter the size: two per worker on 2 cores; a release \
             build makes 6 full-size ones, three per worker",
        ),
        None => (6, "a release build's default: three per worker on 2 cores"),
    }
}

// ANCHOR: main
fn main() -> ExitCode {
    // A worker is this same program started again by the pool: it serves tasks and exits here.
    worker::serve_if_worker();

    let args: Args = cli::parse();
    let common = &args.common;
    let mut report = common.start_report(
        "Lesson 04 · Process pools",
        "Worker processes for CPU work: what they cost and what they buy, measured on this machine.",
    );
    let program = std::env::current_exe().expect("the lesson knows where its executable is");
    let setup = Setup {
        program: &program,
        workers: common.workers(),
        reps: common.reps(),
        cores: report.machine().cores,
    };
    // ANCHOR_END: main
    let size = args.size;
    if common.wants(Experiment::Primes) {
        report.add(cpu_jobs::primes(size, setup));
    }
    if common.wants(Experiment::Squares) {
        report.add(cpu_jobs::squares(10 * size, SQUARE_TASKS, setup));
    }
    // The photos are made once, before anything is timed; the costs experiment needs one.
    let (count, why) = photos(args.photos);
    let photos = match (
        common.wants(Experiment::Thumbnails),
        common.wants(Experiment::Costs),
    ) {
        (true, _) => thumbnails::photo_batch(count),
        (false, true) => thumbnails::photo_batch(1),
        (false, false) => Vec::new(),
    };
    if common.wants(Experiment::Thumbnails) {
        report.add(cpu_jobs::thumbnails(&photos, why, setup));
    }
    if common.wants(Experiment::Costs) {
        report.add(costs::costs(setup, &photos[0]));
    }
    if common.wants(Experiment::Shared) {
        report.add(shared_memory::shared_memory(size, setup));
    }
    if common.wants(Experiment::Crashes) {
        report.add(crashes::crashes(setup));
    }
    report.conclude()
}
