//! The checks every experiment prints: every photo made or named, the same thumbnails every time,
//! and the pipeline's bound on photos in memory.

use std::time::Duration;

use lesson_kit::measure::Runs;
use lesson_kit::{Measured, Section, phrase};

use crate::run::Outcome;
use crate::{Ctx, batch_checksum};

/// The heartbeat's worst lag in each run of a way, the median over the runs: one run that the
/// machine disturbed does not decide it.
pub fn worst_lag(runs: &Runs<Outcome>) -> Duration {
    lesson_kit::measure::median(runs.results.iter().map(|o| o.beats.worst()).collect())
}

/// The most photos the pipeline may hold: a full channel, one in each CPU thread, and the one
/// the download stage is sending.
pub fn pipeline_bound(ctx: &Ctx) -> usize {
    ctx.setup.channel + ctx.setup.workers + 1
}

/// Every run made every photo's thumbnail, the same in every run of every way, and the
/// pipeline held no more photos than its bound.
pub fn check_outcomes(section: &mut Section, runs: &[Runs<Outcome>], ctx: &Ctx) {
    let n = ctx.photos.len();
    for r in runs {
        let failed = r
            .results
            .iter()
            .find_map(|o| o.done.iter().find_map(|(_, d)| d.as_ref().err().cloned()));
        let all = r
            .results
            .iter()
            .all(|o| o.done.len() == n && o.done.iter().all(|(_, d)| d.is_ok()));
        let line = match failed {
            Some(why) => phrase!("{}: not every photo was made: {}", r.name.as_str(), why),
            None => phrase!(
                "{}: all {} thumbnails made, in every run",
                r.name.as_str(),
                Measured::Machine(n.to_string())
            ),
        };
        section.check(all, line);
    }
    let sums: Vec<u64> = runs
        .iter()
        .flat_map(|r| r.results.iter().map(|o| batch_checksum(&o.done)))
        .collect();
    let same = sums.windows(2).all(|w| w[0] == w[1]);
    section.check(
        same,
        phrase!(
            "every thumbnail is identical, byte for byte, in every run of every way (checksum {})",
            Measured::Machine(format!("{:016x}", sums.first().copied().unwrap_or(0)))
        ),
    );
    if let Some(pipe) = runs.iter().find(|r| r.name == "pipeline") {
        let peak = pipe.results.iter().map(|o| o.peak_held).max().unwrap_or(0);
        let bound = pipeline_bound(ctx);
        section.check(
            peak <= bound,
            phrase!(
                "the pipeline held at most {} photos at once, within its bound of {} (a channel \
                 of {}, one photo in each of {} CPU threads, one being sent)",
                Measured::Count(peak as u64),
                bound,
                ctx.setup.channel,
                ctx.setup.workers
            ),
        );
    }
}
