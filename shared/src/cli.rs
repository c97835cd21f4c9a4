//! The command-line conventions every lesson shares.
//!
//! `--help` lists the experiments, `--only NAME` picks some, `--workers N` sets the parallelism
//! (default: the cores available), `--reps N` the interleaved repetitions, `--json` prints the
//! report as JSON, `--svg DIR` writes the figures. Each lesson adds its own `--size`.
//! Bad values get one line naming the value and what is allowed, and exit code 2: never a panic.

use std::path::{Path, PathBuf};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Parser, ValueEnum};

use crate::report::{Output, REDACT_ENV, Report};

/// The options every lesson has; `E` is the lesson's list of experiments.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs<E: ValueEnum + Clone + Send + Sync + 'static> {
    /// Run only these experiments (comma-separated); all of them by default
    #[arg(long, value_enum, value_delimiter = ',', value_name = "NAME")]
    pub only: Vec<E>,

    /// Threads or processes to use [default: the cores available]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: Option<u16>,

    /// Interleaved repetitions of each variant (the minimum and median are reported)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub reps: u32,

    /// Print the report as JSON instead of text
    #[arg(long)]
    pub json: bool,

    /// Write the timelines and speedup charts as SVG files into DIR
    #[arg(long, value_name = "DIR")]
    pub svg: Option<PathBuf>,

    /// Record a reference run for the book into DIR: output.txt, output.redacted.txt and figures
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
}

impl<E: ValueEnum + Clone + Send + Sync + PartialEq + 'static> CommonArgs<E> {
    /// Should this experiment run?
    pub fn wants(&self, experiment: E) -> bool {
        self.only.is_empty() || self.only.contains(&experiment)
    }

    /// Workers to use: `--workers`, or else the cores available.
    pub fn workers(&self) -> usize {
        self.workers.map_or_else(crate::machine::cores, usize::from)
    }

    pub fn reps(&self) -> usize {
        self.reps as usize
    }

    /// Starts the report, after checking that the folders to write can be written.
    pub fn start_report(&self, lesson: &str, tagline: &str) -> Report {
        for (option, dir) in [("--svg", &self.svg), ("--record", &self.record)] {
            if let Some(dir) = dir
                && let Err(reason) = check_writable(dir)
            {
                usage_error(&format!(
                    "{option} '{}' cannot be written ({reason}); give a folder that can be created and written",
                    dir.display()
                ));
            }
        }
        let output = Output {
            json: self.json,
            svg: self.svg.clone(),
            record: self.record.clone(),
            redact: std::env::var(REDACT_ENV).is_ok_and(|v| v == "1"),
        };
        Report::start(lesson, tagline, output)
    }
}

fn check_writable(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(".lesson-write-probe");
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(probe)
}

/// Parses the command line; on a bad value prints one line and exits with code 2.
pub fn parse<A: Parser>() -> A {
    parse_from(std::env::args_os())
}

pub fn parse_from<A: Parser, I, T>(args: I) -> A
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match A::try_parse_from(args) {
        Ok(args) => args,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            error.exit()
        }
        Err(error) => usage_error(&one_line(&error)),
    }
}

/// clap's message, folded into one line that names the bad value and what is allowed.
pub fn one_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered
        .lines()
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    match error.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(allowed)) => format!("{first}; allowed: {}", allowed.join(", ")),
        _ => format!("{first} (see --help)"),
    }
}

/// Prints `error: <message>` on one line and exits with code 2, the convention for bad usage.
pub fn usage_error(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}
