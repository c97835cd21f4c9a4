//! Timelines recorded during a real run: one row per worker, time running left to right.
//!
//! A table says *how long*; a timeline says *why*. Workers that run side by side finish early;
//! workers that take turns (as under Python's GIL) take as long as one. Spans are recorded with a
//! lock, so record coarse pieces of work (a chunk, a time slice), never single operations.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

/// A stretch of time one row (worker) spent working.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Span {
    pub row: usize,
    #[serde(rename = "start_s", serialize_with = "seconds")]
    pub start: Duration,
    #[serde(rename = "end_s", serialize_with = "seconds")]
    pub end: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Collects spans from many threads while the experiment runs.
#[derive(Debug)]
pub struct Recorder {
    origin: Instant,
    spans: Mutex<Vec<Span>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    /// Time zero is now.
    pub fn new() -> Recorder {
        Recorder {
            origin: Instant::now(),
            spans: Mutex::new(Vec::new()),
        }
    }

    /// Records that `row` worked from `started` until now.
    pub fn span_since(&self, row: usize, started: Instant) {
        self.span(row, started, Instant::now());
    }

    /// Records that `row` worked from `start` to `end`: for a worker that keeps its own spans and
    /// hands them over when it is done, so that recording takes no lock while it works.
    pub fn span(&self, row: usize, start: Instant, end: Instant) {
        let span = Span {
            row,
            start: start.saturating_duration_since(self.origin),
            end: end.saturating_duration_since(self.origin),
        };
        self.spans
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(span);
    }

    /// Runs `work` and records it as a span of `row`.
    pub fn record<T>(&self, row: usize, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        self.span_since(row, started);
        result
    }

    /// The finished timeline, with a name for each row.
    pub fn finish(self, name: &str, title: &str, rows: Vec<String>) -> Timeline {
        let total = self.origin.elapsed();
        let spans = self
            .spans
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Timeline {
            name: name.to_string(),
            title: title.to_string(),
            rows,
            spans,
            total,
            caption: None,
            stripe: None,
        }
    }
}

/// A recorded timeline, ready to draw in the terminal or as SVG.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// File-name friendly, used for the SVG (`<section>-<name>.svg`).
    pub name: String,
    pub title: String,
    pub rows: Vec<String>,
    pub spans: Vec<Span>,
    #[serde(rename = "total_s", serialize_with = "seconds")]
    pub total: Duration,
    /// The figure's caption: what to see in it. Without one, the figure says how to read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// What a stripe means in the figure's legend ("eating"); "working" without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe: Option<String>,
}

impl Timeline {
    /// Gives the figure a caption: one or two sentences on what to see in it.
    pub fn with_caption(mut self, caption: &str) -> Timeline {
        self.caption = Some(caption.to_string());
        self
    }

    /// Says in the figure's legend what a stripe is, when it is not plain work ("eating").
    pub fn with_stripe(mut self, meaning: &str) -> Timeline {
        self.stripe = Some(meaning.to_string());
        self
    }

    /// How busy `row` was during each of `width` equal slices of the run, 0.0 to 1.0.
    pub fn busy_shares(&self, row: usize, width: usize) -> Vec<f64> {
        let slice = self.total.as_secs_f64() / width as f64;
        let mut shares = vec![0.0; width];
        for span in self.spans.iter().filter(|s| s.row == row) {
            let (start, end) = (span.start.as_secs_f64(), span.end.as_secs_f64());
            let first = ((start / slice) as usize).min(width - 1);
            let last = ((end / slice) as usize).min(width - 1);
            for (i, share) in shares.iter_mut().enumerate().take(last + 1).skip(first) {
                let (lo, hi) = (i as f64 * slice, (i + 1) as f64 * slice);
                *share += (end.min(hi) - start.max(lo)).max(0.0) / slice;
            }
        }
        shares
    }

    /// Each row as a bar of `width` cells: `█` mostly busy, `▒` partly busy, `·` idle.
    pub fn render(&self, redact: bool, indent: &str, width: usize) -> String {
        self.render_on_axis(redact, indent, width, self.total)
    }

    /// As [`Timeline::render`], on a time axis `axis` long drawn `width` cells wide: a timeline
    /// shorter than the axis ends early, so that two runs drawn on one axis compare by length.
    pub fn render_on_axis(
        &self,
        redact: bool,
        indent: &str,
        width: usize,
        axis: Duration,
    ) -> String {
        let share = self.total.as_secs_f64() / axis.as_secs_f64().max(1e-12);
        let cells = ((width as f64 * share.min(1.0)).round() as usize).max(1);
        let label_width = self
            .rows
            .iter()
            .map(|r| r.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (row, label) in self.rows.iter().enumerate() {
            let bar: String = if redact {
                "[timeline]".to_string()
            } else {
                self.busy_shares(row, cells)
                    .iter()
                    .map(|&share| match share {
                        s if s >= 0.6 => '█',
                        s if s >= 0.1 => '▒',
                        _ => '·',
                    })
                    .collect()
            };
            out += &format!("{indent}{label:<label_width$} |{bar}|\n");
        }
        if redact {
            // Ticks depend on the measured times: a redacted axis keeps only its two ends.
            let w = "[timeline]".len();
            out += &format!("{indent}{:label_width$}  0{:>w$}\n", "", "[time]");
        } else {
            out += &self.axis(indent, label_width, cells, width, axis);
        }
        out
    }

    /// Two lines under the bars: a ruler with a tick `┴` at round times (the SVG's ticks, on the
    /// same axis), then the times, `0` under the first cell and this run's total under its end.
    /// A tick's time is written from its tick rightwards where it fits before the next label.
    fn axis(
        &self,
        indent: &str,
        label_width: usize,
        cells: usize,
        width: usize,
        axis: Duration,
    ) -> String {
        let axis_s = axis.max(self.total).as_secs_f64().max(1e-12);
        let total = crate::value::format_duration(self.total);
        let end = cells + 1;
        // Each tick inside this run's bar, as (cell, label); the run's end is labelled apart.
        let ticks: Vec<(usize, String)> = crate::svg::ticks(axis_s)
            .into_iter()
            .map(|t| {
                let cell = (t / axis_s * width as f64).round() as usize;
                (cell, crate::svg::time_label(t, axis_s))
            })
            .filter(|&(cell, _)| cell > 0 && cell < cells)
            .collect();
        let mut ruler: Vec<char> = vec!['─'; cells];
        for (cell, _) in &ticks {
            ruler[*cell] = '┴';
        }
        ruler[0] = '┴';
        let mut labels: Vec<char> = vec![' '; end.max(total.chars().count())];
        labels[0] = '0';
        let total_starts = end - total.chars().count().min(end);
        let mut free_from = 2;
        for (cell, label) in &ticks {
            let len = label.chars().count();
            if *cell >= free_from && cell + len < total_starts {
                for (i, c) in label.chars().enumerate() {
                    labels[cell + i] = c;
                }
                free_from = cell + len + 2;
            }
        }
        for (i, c) in total.chars().enumerate() {
            labels[total_starts + i] = c;
        }
        let ruler: String = ruler.into_iter().collect();
        let labels: String = labels.into_iter().collect();
        format!(
            "{indent}{:label_width$} └{ruler}┘\n{indent}{:label_width$}  {}\n",
            "",
            "",
            labels.trim_end()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(spans: &[(usize, u64, u64)]) -> Timeline {
        Timeline {
            name: "t".into(),
            title: "t".into(),
            rows: vec!["a".into(), "b".into()],
            spans: spans
                .iter()
                .map(|&(row, start, end)| Span {
                    row,
                    start: Duration::from_millis(start),
                    end: Duration::from_millis(end),
                })
                .collect(),
            total: Duration::from_millis(100),
            caption: None,
            stripe: None,
        }
    }

    #[test]
    fn rows_taking_turns_look_like_taking_turns() {
        let t = timeline(&[(0, 0, 50), (1, 50, 100)]);
        let drawn = t.render(false, "", 10);
        assert!(drawn.contains("a |█████·····|"), "{drawn}");
        assert!(drawn.contains("b |·····█████|"), "{drawn}");
    }

    #[test]
    fn a_shorter_run_on_a_shared_axis_ends_early() {
        let t = timeline(&[(0, 0, 50), (1, 50, 100)]);
        let drawn = t.render_on_axis(false, "", 10, Duration::from_millis(200));
        assert!(drawn.contains("a |██▒··|"), "{drawn}");
        assert!(drawn.contains("b |··▒██|"), "{drawn}");
    }

    #[test]
    fn the_axis_has_ticks_at_round_times_on_the_shared_scale() {
        let t = timeline(&[(0, 0, 50), (1, 50, 100)]);
        let drawn = t.render(false, "", 40);
        assert!(
            drawn.contains(" └┴───────┴───────┴───────┴───────┴───────┘\n"),
            "{drawn}"
        );
        assert!(
            drawn.ends_with("   0       20 ms   40 ms   60 ms      100 ms\n"),
            "{drawn}"
        );
        // Half as long on a doubled axis: half the bar, ticks of the axis, its own end.
        let drawn = t.render_on_axis(false, "", 40, Duration::from_millis(200));
        // The 200 ms axis has a tick every 50 ms; the one at 50 ms has no room for its time.
        assert!(drawn.contains(" └┴─────────┴─────────┘\n"), "{drawn}");
        assert!(drawn.ends_with("   0              100 ms\n"), "{drawn}");
        // Redacted, only the ends.
        assert!(t.render(true, "", 40).ends_with("  0    [time]\n"));
    }

    #[test]
    fn spans_kept_by_a_worker_keep_their_times() {
        let recorder = Recorder::new();
        let start = Instant::now() + Duration::from_millis(2);
        recorder.span(1, start, start + Duration::from_millis(3));
        let t = recorder.finish("t", "", vec!["a".into(), "b".into()]);
        let span = t.spans[0];
        assert_eq!(
            (span.row, span.end - span.start),
            (1, Duration::from_millis(3))
        );
        assert!(span.start >= Duration::from_millis(2));
    }

    #[test]
    fn busy_shares_split_partial_slices() {
        let t = timeline(&[(0, 5, 15)]);
        let shares = t.busy_shares(0, 10);
        assert!(
            (shares[0] - 0.5).abs() < 1e-9 && (shares[1] - 0.5).abs() < 1e-9,
            "{shares:?}"
        );
    }
}
