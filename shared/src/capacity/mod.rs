//! How much parallel CPU this machine gives *right now*.
//!
//! `available_parallelism()` says how many cores this process may use, not how many are free: a
//! browser tab or a build spinning on one core of two leaves a parallel variant one core, and a
//! lesson that judged it against two would call a correct program slow. So the lessons measure
//! the capacity with a probe whose parallelism is known: `threads` threads, started together,
//! each spinning on independent work. The CPU time they obtain divided by the wall time they
//! took is the number of cores that were really available during the probe.
//!
//! One probe lasts a few milliseconds, too short to stand for a whole experiment; so probes run
//! *between* the experiment's own repetitions ([`crate::measure::interleaved_probed`]), see the
//! same moments as the variants, and are pooled into one [`Capacity`]. A probe that short can
//! also be fooled (threads that just woke may push a busy program aside for a moment), so the
//! kit also counts what other programs used during the runs themselves, and keeps the lower
//! figure.
//!
//! One idea per file: `spinning.rs` is the probe itself, `cpu_time.rs` reads from Linux who used
//! how much CPU, `pooling.rs` pools probes over an experiment, and `busy.rs` says what the
//! machine gave and words the busy line.

mod busy;
mod cpu_time;
mod pooling;
mod spinning;

pub use busy::{BUSY_BELOW, BUSY_WORDS, Capacity, format_ideal};
pub use cpu_time::thread_cpu_time;
pub use pooling::Prober;
pub use spinning::{PROBE, parallel_gain, probe};
