//! # lesson-kit: what every lesson needs, written once
//!
//! The lessons teach concurrency by measurement. This crate holds the measuring, so each lesson
//! holds only its own ideas:
//!
//! - [`measure`]: wall time, CPU time, CPU utilisation and peak memory of a variant, with
//!   repetitions interleaved between variants because this machine's speed drifts.
//! - [`capacity`]: how many cores the machine really gives right now (another program may be busy).
//! - [`speedup`]: speedup and efficiency against `min(workers, cores)`, and the verdict in words.
//! - [`value`], [`table`], [`report`]: the printed report, its JSON twin, and redaction of measured
//!   values for snapshot tests.
//! - [`wrap`]: lines that fit 100 columns.
//! - [`stall`]: a hang told from a slow run: progress that has stopped moving.
//! - [`heartbeat`]: the stall of an async runtime, measured by a task that wakes on a schedule.
//! - [`timeline`] and [`svg`]: what each worker did when, in the terminal and as figures.
//! - [`cli`]: the options every lesson shares and their one-line errors.
//! - [`snapshot`] and [`conventions`]: what every lesson's snapshot and CLI tests share.
//! - [`gil`]: a GIL simulator, to show Python's thread result beside Rust's.
//! - [`workload`]: the CPU job of the Python articles (counting primes), shared by lessons.
//! - [`panics`]: a caught panic's payload, in words.
//! - [`process`]: the memory, children and liveness of other processes (lessons that start them).
//! - [`exercise`]: checks a teacher runs on a student's exercise.

pub mod capacity;
pub mod cli;
pub mod conventions;
pub mod exercise;
pub mod gil;
pub mod heartbeat;
pub mod machine;
pub mod measure;
pub mod panics;
pub mod priority;
pub mod process;
pub mod report;
pub mod snapshot;
pub mod speedup;
pub mod stall;
pub mod svg;
pub mod table;
pub mod timeline;
pub mod value;
pub mod workload;
pub mod wrap;

pub use report::{Report, Section};
pub use value::{Measured, Phrase, Segment};
