//! The four ways' measurements: one row per way and limit, each number the median over its runs.

use std::time::Duration;

use lesson_kit::measure::median;
use lesson_kit::table::Table;
use lesson_kit::value::format_seconds;
use lesson_kit::{Measured, Segment};

use super::{WayRuns, ideal};

/// The median of one number over the runs.
fn median_of(runs: &WayRuns, value: impl Fn(usize) -> Duration) -> Duration {
    median((0..runs.samples.len()).map(value).collect())
}

/// The server thread's CPU time per request, median over the runs.
pub fn server_cpu_per_request(runs: &WayRuns, n: usize) -> Duration {
    median_of(runs, |i| runs.results[i].1.server_cpu / n as u32)
}

/// Client CPU time per request (the process's, less the server thread's), median over the runs.
pub fn cpu_per_request(runs: &WayRuns, n: usize) -> Duration {
    median_of(runs, |i| {
        runs.samples[i]
            .cpu
            .saturating_sub(runs.results[i].1.server_cpu)
            / n as u32
    })
}

/// How far a run raised resident memory above where it started (malloc trimmed first), the
/// median over the runs: what the way itself held at its peak, not the process's baseline.
pub fn rss_added(runs: &WayRuns) -> Option<u64> {
    let mut added: Vec<u64> = runs
        .results
        .iter()
        .filter_map(|(_, b)| b.rss_added)
        .collect();
    added.sort_unstable();
    added.get(added.len().saturating_sub(1) / 2).copied()
}

/// The table of what each way measured, beside its ideal.
pub(super) fn table(runs: &[WayRuns], n: usize, delay: Duration) -> Table {
    let mut table = Table::new(&[
        ("way", "way"),
        ("limit", "limit"),
        ("median_s", "wall time"),
        ("ideal_s", "ideal"),
        ("of_ideal", "ideal / wall"),
        ("cpu_per_request_s", "CPU per request"),
        ("server_cpu_per_request_s", "server CPU per request"),
        ("rss_added_bytes", "memory added"),
        ("server_peak", "most in flight"),
    ]);
    for r in runs {
        let limit = r.results[0].0;
        let ideal = ideal(n, limit, delay);
        let wall = r.median_wall();
        let peak = r
            .results
            .iter()
            .map(|(_, b)| b.server_peak)
            .max()
            .unwrap_or(0);
        table.row(vec![
            r.name.as_str().into(),
            limit.into(),
            Measured::Time(wall).into(),
            Segment::from(format_seconds(ideal.as_secs_f64())),
            Measured::Share(ideal.as_secs_f64() / wall.as_secs_f64().max(1e-9)).into(),
            Measured::Seconds(cpu_per_request(r, n).as_secs_f64()).into(),
            Measured::Seconds(server_cpu_per_request(r, n).as_secs_f64()).into(),
            // None when /proc could not be read: say so rather than print a false 0 B.
            rss_added(r).map_or(Segment::from("n/a"), |b| Measured::Bytes(b).into()),
            Measured::Count(peak).into(),
        ]);
    }
    table
}
