//! `cargo run -p lesson-05-async-fetch`: the guided tour of lesson 05.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use lesson_05_async_fetch::{
    LONGEST_RUN, Setup, arrival, articles, failures, four_ways, limits, memory, no_limit,
};
use lesson_kit::cli::{self, CommonArgs};

/// Lesson 05: fetching many URLs: a blocking loop, a thread pool, tokio with a Semaphore and
/// buffer_unordered, against a local server; failures, retries and the memory of a waiting task.
#[derive(Debug, Parser)]
#[command(name = "lesson-05-async-fetch")]
struct Args {
    /// URLs in the batch of the four-ways experiment
    #[arg(long, value_name = "N", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    size: u32,

    /// The server's delay before each response, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    delay_ms: u64,

    /// Limits of requests in flight to try (comma-separated)
    #[arg(long, value_name = "N", value_delimiter = ',', default_values_t = [5, 15],
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: Vec<u32>,

    /// Sleeping tokio tasks in the memory experiment
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(100..=1_000_000))]
    tasks: u32,

    /// Sleeping threads in the memory experiment
    #[arg(long, value_name = "N", default_value_t = 1_000,
          value_parser = clap::value_parser!(u32).range(10..=10_000))]
    threads: u32,

    /// URLs in the articles' table (the article's own count: 10000)
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(100..=100_000))]
    articles_urls: u32,

    /// The server's delay in the articles' table, in ms (the article's implied delay: 180)
    #[arg(long, value_name = "MS", default_value_t = 40,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    articles_delay_ms: u64,

    /// Fetch /delay/{ms} from this server instead of the local one (four-ways, articles)
    #[arg(long, value_name = "URL", value_parser = lesson_05_async_fetch::base_url)]
    base_url: Option<String>,

    /// Internal: run as the child of the no-limit experiment, fetching from this server
    #[arg(long = "fd-limit-child", value_name = "URL", hide = true)]
    fd_limit_child: Option<String>,

    /// Internal: run as a child of the memory experiment, measuring these waiters
    #[arg(long = "waiters-child", value_name = "KIND", hide = true,
          value_parser = ["tasks", "threads"])]
    waiters_child: Option<String>,

    #[command(flatten)]
    common: CommonArgs<Experiment>,
}

/// The experiments, in the order the tour runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Experiment {
    /// N URLs with one server delay: a blocking loop, a thread pool, a Semaphore, buffer_unordered
    FourWays,
    /// the order responses arrive in, and the requests in flight over time
    ArrivalOrder,
    /// every request at once: open descriptors, memory, and running out of them in a child
    NoLimit,
    /// 500s, stalls and a refused host: one outcome per URL, retries with back-off
    Failures,
    /// the articles' table for 10,000 URLs, re-run with the ideal beside each row
    Articles,
    /// the memory of 10,000 sleeping tasks against 1,000 sleeping threads
    MemoryPerWaiter,
}

fn main() -> ExitCode {
    let args: Args = cli::parse();
    if let Some(base_url) = &args.fd_limit_child {
        no_limit::fd_limit_child(base_url);
        return ExitCode::SUCCESS;
    }
    if let Some(kind) = &args.waiters_child {
        let n = if kind == "tasks" {
            args.tasks
        } else {
            args.threads
        };
        memory::waiters_child(kind, n as usize);
        return ExitCode::SUCCESS;
    }
    let common = &args.common;
    if let Err(message) = check_options(&args) {
        cli::usage_error(&message);
    }
    let mut report = common.start_report(
        "Lesson 05 · Async fetch",
        "Many requests waiting at once: threads or tasks, the limit that makes them fast, and \
         what goes wrong.",
    );
    let setup = setup(&args);
    if common.wants(Experiment::FourWays) {
        report.add(four_ways::four_ways(&setup));
    }
    if common.wants(Experiment::ArrivalOrder) {
        report.add(arrival::arrival_order(setup.workers));
    }
    if common.wants(Experiment::NoLimit) {
        report.add(no_limit::no_limit(setup.workers));
    }
    if common.wants(Experiment::MemoryPerWaiter) {
        report.add(memory::memory_per_waiter(
            args.tasks as usize,
            args.threads as usize,
        ));
    }
    if common.wants(Experiment::Failures) {
        report.add(failures::failures(setup.workers));
    }
    if common.wants(Experiment::Articles) {
        report.add(articles::articles_table(
            args.articles_urls as usize,
            Duration::from_millis(args.articles_delay_ms),
            &setup,
        ));
    }
    report.conclude()
}

fn setup(args: &Args) -> Setup {
    let common = &args.common;
    Setup {
        size: args.size as usize,
        delay: Duration::from_millis(args.delay_ms),
        limits: args.limit.iter().map(|&l| l as usize).collect(),
        workers: common.workers(),
        reps: common.reps(),
        base_url: args.base_url.clone(),
    }
}

/// Options that each pass their own range but that this machine or the time cannot carry
/// together: one line naming the value and what is allowed.
fn check_options(args: &Args) -> Result<(), String> {
    let common = &args.common;
    let setup = setup(args);
    if common.wants(Experiment::FourWays) {
        let most = setup.limits.iter().map(|&l| l.min(setup.size)).max();
        limits::check_limit(most.unwrap_or(1) as u64)?;
        let least = four_ways::lower_bound(&setup);
        if least > LONGEST_RUN {
            return Err(too_long(
                "four-ways",
                least,
                "--size, --delay-ms, --limit or --reps",
            ));
        }
    }
    if common.wants(Experiment::Articles) {
        limits::check_limit(200.min(u64::from(args.articles_urls)))?;
        let delay = Duration::from_millis(args.articles_delay_ms);
        let least = articles::lower_bound(args.articles_urls as usize, delay);
        if least > LONGEST_RUN {
            let options = "--articles-urls or --articles-delay-ms";
            return Err(too_long("articles", least, options));
        }
    }
    if common.wants(Experiment::MemoryPerWaiter) {
        limits::check_threads("--threads", u64::from(args.threads))?;
    }
    Ok(())
}

fn too_long(experiment: &str, least: Duration, options: &str) -> String {
    format!(
        "{experiment} would take at least {:.0} s with these options; allowed: at most {} s \
         (lower {options})",
        least.as_secs_f64(),
        LONGEST_RUN.as_secs()
    )
}
