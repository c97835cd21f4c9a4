//! Experiment 2: a timeline of real runs, downloads and CPU work on rows of their own, so the
//! overlap (or its absence) shows at a glance. Three ways on one time axis.

use lesson_kit::timeline::Timeline;
use lesson_kit::{Measured, Section, phrase};
use local_server::LocalServer;

use crate::Ctx;
use crate::run::measured;
use crate::six_ways::run_way;

/// The ways drawn, and what each figure shows.
const DRAWN: [(&str, &str, &str); 3] = [
    (
        "cpu-in-tasks",
        "CPU in the tasks",
        "Thumbnails made inside the async tasks: a download ends only when its task is polled \
         again, so one whose photo has arrived stays open while the runtime's threads make \
         thumbnails.",
    ),
    (
        "two-phases",
        "two phases",
        "Two phases: every download first, then every thumbnail; the stages never overlap.",
    ),
    (
        "pipeline",
        "pipeline",
        "The pipeline: thumbnails are made while the next photos download.",
    ),
];

/// Draws one recorded run of three ways on one time axis, and measures how much of the CPU
/// work overlapped downloads.
pub fn overlap(ctx: &Ctx, server: &LocalServer) -> Section {
    let mut section = Section::new("timeline", "A timeline: do downloads and CPU work overlap?")
        .about(
            "One run each of three ways, recorded: a stripe on a download row is one photo's \
             download future, from its first request until its task had the whole photo \
             (retries included, and any time the task waited to be polled), a stripe on a CPU \
             row one thumbnail being made. The share of CPU time during which some download \
             future was open is measured from the same spans.",
        );
    for (file, way, caption) in DRAWN {
        let title = format!("{way}: downloads and thumbnails");
        let (outcome, timeline) =
            measured(ctx, server, Some((file, &title)), |c, r| run_way(way, c, r));
        let Some(timeline) = timeline else { continue };
        let made = outcome.done.iter().filter(|(_, d)| d.is_ok()).count();
        section.check(
            made == ctx.photos.len(),
            phrase!(
                "{}: {} of {} thumbnails made in {}; {} of the CPU time overlapped a download",
                way,
                Measured::Machine(made.to_string()),
                Measured::Machine(ctx.photos.len().to_string()),
                Measured::Time(timeline.total),
                Measured::Share(overlapped(&timeline))
            ),
        );
        section.timeline(timeline.with_caption(caption).with_stripe("one photo"));
    }
    section.verdict(
        "Where the stripes on the CPU rows sit under stripes on the download rows, the two \
         stages overlap; where the download rows are empty, the CPU worked alone.",
    );
    section
}

/// The share of the time some CPU row was busy during which some download row was busy too.
pub fn overlapped(timeline: &Timeline) -> f64 {
    const SLICES: usize = 2000;
    let busy = |download: bool| {
        let rows: Vec<Vec<f64>> = (0..timeline.rows.len())
            .filter(|&r| timeline.rows[r].starts_with("download") == download)
            .map(|r| timeline.busy_shares(r, SLICES))
            .collect();
        (0..SLICES)
            .map(|i| rows.iter().any(|row| row[i] > 0.0))
            .collect::<Vec<bool>>()
    };
    let (downloading, working) = (busy(true), busy(false));
    let cpu = working.iter().filter(|&&w| w).count();
    let both = working
        .iter()
        .zip(&downloading)
        .filter(|&(&w, &d)| w && d)
        .count();
    both as f64 / cpu.max(1) as f64
}
