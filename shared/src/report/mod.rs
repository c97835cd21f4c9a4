//! The lesson's report: printed as it goes, as JSON with `--json`, as figures with `--svg`.
//!
//! Every experiment becomes a [`Section`] that prints, in this order: what it does, the result
//! (exact facts and their checks), listings, tables of measurements, the verdict in words, and
//! timelines. The same sections serialise to JSON with stable field names and numbers as numbers.
//!
//! One idea per file: `section.rs` is what an experiment records, `render.rs` how a section
//! prints (as text and as JSON), and `output.rs` the whole report, printed as it goes and
//! written at the end.

mod output;
mod render;
mod section;

pub use output::{OPENING, Output, REDACT_ENV, Report};
pub use render::NOT_JUDGED_MARK;
pub use section::{Fact, Section};
