//! Experiment 2: a timeline of real runs, downloads and CPU work on rows of their own, so the
//! overlap (or its absence) shows at a glance. Three ways on one time axis.
//!
//! The downloads are drawn twice. The *served* rows are the server's own spans (see
//! [`local_server::served`]): from a request's arrival until the server had produced its whole
//! response (the route's delay included) and handed it to hyper, which writes it to the socket
//! right after. The *download* rows are the client's download futures, which end only when their
//! task is polled again; with the CPU work in the tasks, that waits for a thumbnail to finish.
//! The overlap is measured on the server's spans, so waiting to be polled does not count as
//! downloading.

use std::time::Duration;

use lesson_kit::table::Table;
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
        "Thumbnails made inside the async tasks: the server hands a photo over quickly, but its \
         download row stays open until a runtime thread is free again, and no request is sent \
         while every runtime thread makes a thumbnail.",
    ),
    (
        "two-phases",
        "two phases",
        "Two phases: every download first, then every thumbnail; the stages never overlap.",
    ),
    (
        "pipeline",
        "pipeline",
        "The pipeline: requests reach the server while the CPU workers make thumbnails; the \
         download stage pauses only when the channel is full.",
    ),
];

/// What one drawn run measured: its wall time and its two overlaps.
struct Drawn {
    way: &'static str,
    wall: Duration,
    /// The share of CPU time during which the server was serving a photo.
    serving: f64,
    /// The share of CPU time during which some download future was open.
    futures: f64,
}

/// Draws one recorded run of three ways on one time axis, and measures how much of the CPU
/// work overlapped the server's serving of photos, and how much the client's download futures.
pub fn overlap(ctx: &Ctx, server: &LocalServer) -> Section {
    let mut section = Section::new("timeline", "A timeline: do downloads and CPU work overlap?")
        .about(
            "One run each of three ways, recorded. A stripe on a served row is one photo request \
             as the server timed it (it runs in this process, on the same clock): from its \
             arrival until it had produced the whole response, delay included, and handed it \
             to hyper to write. A stripe on a download \
             row is the client's download future, until its task had the photo, waiting to be \
             polled included. A stripe on a CPU row is one thumbnail being made.",
        );
    let mut drawn = Vec::new();
    for (file, way, caption) in DRAWN {
        let title = format!("{way}: downloads and thumbnails");
        let (outcome, timeline) =
            measured(ctx, server, Some((file, &title)), |c, r| run_way(way, c, r));
        let Some(timeline) = timeline else { continue };
        let made = outcome.done.iter().filter(|(_, d)| d.is_ok()).count();
        section.check(
            made == ctx.photos.len(),
            phrase!(
                "{}: {} of {} thumbnails made",
                way,
                Measured::Machine(made.to_string()),
                Measured::Machine(ctx.photos.len().to_string())
            ),
        );
        drawn.push(Drawn {
            way,
            wall: timeline.total,
            serving: overlapped(&timeline, "served"),
            futures: overlapped(&timeline, "download"),
        });
        section.timeline(timeline.with_caption(caption).with_stripe("one photo"));
    }
    section.table("Measured on the recorded runs", table(&drawn));
    // Each request's served span lies inside its download future: the future starts before the
    // request is sent and ends after the client has read the last byte, which the server
    // produced before. So this always holds; the
    // check keeps the drawing and the measuring honest.
    section.check(
        drawn.iter().all(|d| d.futures >= d.serving),
        "every way's download futures overlap at least as much CPU time as the server's spans",
    );
    // Every way in DRAWN was drawn: `measured` returns a timeline whenever it is asked to record.
    let share = |way: &str, by_server: bool| {
        let found = drawn.iter().find(|d| d.way == way);
        Measured::Share(found.map_or(0.0, |d| if by_server { d.serving } else { d.futures }))
    };
    let (served, future) = (true, false);
    section.verdict(phrase!(
        "Timed by the server, a photo was being served during {} of the CPU time with the CPU \
         work in the tasks, {} in the pipeline, {} in two phases; timed by the client's \
         download futures, {}, {} and {}.",
        share("CPU in the tasks", served),
        share("pipeline", served),
        share("two phases", served),
        share("CPU in the tasks", future),
        share("pipeline", future),
        share("two phases", future)
    ));
    section.verdict(
        "A future covers more than the server's span: sending the request, reading the body, \
         and any time the photo had been handed over while its task waited to be polled (a \
         runtime thread busy with a thumbnail, or the pipeline's download stage waiting for \
         room in the channel).",
    );
    section
}

fn table(drawn: &[Drawn]) -> Table {
    let mut table = Table::new(&[
        ("way", "way"),
        ("wall_s", "wall time"),
        ("cpu_while_served", "CPU time while served"),
        ("cpu_while_future_open", "CPU time while a future was open"),
    ]);
    for d in drawn {
        table.row(vec![
            d.way.into(),
            Measured::Time(d.wall).into(),
            Measured::Share(d.serving).into(),
            Measured::Share(d.futures).into(),
        ]);
    }
    table
}

/// The share of the time some CPU row was busy during which some row named `label ...` was busy
/// too: `"served"` for the server's spans, `"download"` for the client's.
pub fn overlapped(timeline: &Timeline, label: &str) -> f64 {
    const SLICES: usize = 2000;
    let busy = |prefix: &str| {
        let rows: Vec<Vec<f64>> = rows_named(timeline, prefix)
            .map(|r| timeline.busy_shares(r, SLICES))
            .collect();
        (0..SLICES)
            .map(|i| rows.iter().any(|row| row[i] > 0.0))
            .collect::<Vec<bool>>()
    };
    let (downloading, working) = (busy(label), busy("CPU"));
    let cpu = working.iter().filter(|&&w| w).count();
    let both = working
        .iter()
        .zip(&downloading)
        .filter(|&(&w, &d)| w && d)
        .count();
    both as f64 / cpu.max(1) as f64
}

fn rows_named<'a>(timeline: &'a Timeline, prefix: &'a str) -> impl Iterator<Item = usize> + 'a {
    (0..timeline.rows.len()).filter(move |&r| timeline.rows[r].starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lesson_kit::timeline::Span;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn each_kind_of_download_row_is_measured_against_the_cpu_rows() {
        let span = |row, start, end| Span {
            row,
            start: ms(start),
            end: ms(end),
        };
        let timeline = Timeline {
            name: "t".into(),
            title: "t".into(),
            rows: vec!["served 1".into(), "download 1".into(), "CPU 1".into()],
            // A photo served for 2 ms, its future open for 8, a thumbnail from 0 to 10 ms.
            spans: vec![span(0, 0, 2), span(1, 0, 8), span(2, 0, 10)],
            total: ms(10),
            caption: None,
            stripe: None,
        };
        assert!((overlapped(&timeline, "served") - 0.2).abs() < 0.01);
        assert!((overlapped(&timeline, "download") - 0.8).abs() < 0.01);
    }
}
