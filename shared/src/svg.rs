//! The book's figures: timelines and speedup charts as small, dependency-free SVG files.
//!
//! Every figure explains itself: a title, a legend for what a mark is, an axis with ticks, and a
//! caption saying how to read it. Text is large (16 px in a 720 px figure) so that it stays
//! legible when a phone shrinks the figure; the book lets a figure scroll rather than shrink
//! further (`book/theme/wide.css`), and dims it in the dark themes.

use std::time::Duration;

use crate::capacity::format_ideal;
use crate::timeline::Timeline;
use crate::value::UNBREAKABLE_SPACE;
use crate::wrap::wrap;

/// Bars of speedup per variant, with the ideal this machine allows drawn as a dashed line.
#[derive(Debug, Clone)]
pub struct SpeedupChart {
    /// File-name friendly, used for the SVG (`<section>-<name>.svg`).
    pub name: String,
    pub title: String,
    /// `(variant, speedup over the baseline)`.
    pub bars: Vec<(String, f64)>,
    pub ideal: f64,
    /// What to see in the chart; without one, the chart says how to read it.
    pub caption: Option<String>,
}

impl SpeedupChart {
    /// Gives the chart a caption: one or two sentences on what to see in it.
    pub fn with_caption(mut self, caption: &str) -> SpeedupChart {
        self.caption = Some(caption.to_string());
        self
    }
}

const WIDTH: f64 = 720.0;
/// A generous average width of a 16 px sans-serif character, to place and wrap text.
const CHAR_WIDTH: f64 = 8.0;
const FONT: &str = "font-family=\"sans-serif\" font-size=\"16\" fill=\"#222\"";
const SMALL: &str = "font-family=\"sans-serif\" font-size=\"14\" fill=\"#444\"";
const COLOURS: [&str; 6] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
];
const IDLE: &str = "#e4e4e4";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The opening of a figure: its size, a light background with a border, and a bold title.
fn open_svg(height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n\
         <title>{t}</title>\n\
         <rect x=\"0.5\" y=\"0.5\" width=\"{w}\" height=\"{h}\" rx=\"6\" fill=\"#fcfcfc\" stroke=\"#ccc\"/>\n\
         <text x=\"12\" y=\"28\" font-family=\"sans-serif\" font-size=\"18\" font-weight=\"bold\" fill=\"#222\">{t}</text>\n",
        w = WIDTH - 1.0,
        h = height - 1.0,
        t = escape(title)
    )
}

/// The caption under a figure, wrapped to its width; returns the SVG and the height it takes.
fn caption(text: &str, top: f64) -> (String, f64) {
    let per_line = ((WIDTH - 24.0) / CHAR_WIDTH) as usize;
    let lines: Vec<String> = wrap(text, "", "", per_line)
        .lines()
        .map(str::to_string)
        .collect();
    let mut svg = String::new();
    for (i, line) in lines.iter().enumerate() {
        svg += &format!(
            "<text x=\"12\" y=\"{y}\" {FONT} font-style=\"italic\">{}</text>\n",
            escape(line),
            y = top + 20.0 + 21.0 * i as f64
        );
    }
    (svg, 21.0 * lines.len() as f64 + 14.0)
}

/// A legend entry: a swatch (or a dashed line) and what it means; returns the SVG and its width.
/// A swatch of two colours (`"#aaa/#bbb"`) stands for stripes drawn in a colour per row.
fn legend_entry(x: f64, y: f64, colour: &str, dashed: bool, text: &str) -> (String, f64) {
    let mark = if let Some((left, right)) = colour.split_once('/') {
        format!(
            "<rect x=\"{x}\" y=\"{ry}\" width=\"7\" height=\"14\" fill=\"{left}\"/>\n\
             <rect x=\"{x7}\" y=\"{ry}\" width=\"7\" height=\"14\" fill=\"{right}\"/>\n",
            ry = y - 12.0,
            x7 = x + 7.0
        )
    } else if dashed {
        format!(
            "<line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n",
            y1 = y - 14.0,
            y2 = y + 2.0
        )
    } else {
        format!(
            "<rect x=\"{x}\" y=\"{ry}\" width=\"14\" height=\"14\" fill=\"{colour}\" stroke=\"#999\" stroke-width=\"0.5\"/>\n",
            ry = y - 12.0
        )
    };
    let text_x = x + if dashed { 8.0 } else { 20.0 };
    let svg = format!(
        "{mark}<text x=\"{text_x}\" y=\"{y}\" {SMALL}>{}</text>\n",
        escape(text)
    );
    (svg, text_x - x + 7.6 * text.chars().count() as f64 + 18.0)
}

/// Ticks at 1, 2 or 5 times a power of ten, four to ten of them over `0..=max`.
pub(crate) fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 {
        return vec![0.0];
    }
    let magnitude = 10f64.powf((max / 4.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| max / step <= 8.0)
        .unwrap_or(10.0 * magnitude);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|t| *t <= max * (1.0 + 1e-9))
        .collect()
}

/// A time tick's label in the unit that suits the axis: `0`, `10 ms`, `2.5 ms`.
pub(crate) fn time_label(seconds: f64, axis: f64) -> String {
    if seconds == 0.0 {
        return "0".to_string();
    }
    let (scale, unit) = if axis >= 1.0 {
        (1.0, "s")
    } else if axis >= 1e-3 {
        (1e3, "ms")
    } else {
        (1e6, "µs")
    };
    let value = seconds * scale;
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {unit}")
}

/// The first word of the row labels ("thread 0" → "thread"), to name a row in the caption.
fn row_noun(timeline: &Timeline) -> String {
    timeline
        .rows
        .first()
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or("worker")
        .to_string()
}

/// One row per worker, a stripe per span, on a time axis `axis` long. `shared` says the axis is
/// shared with other timelines of the same experiment, so that their lengths compare.
pub fn timeline_svg(timeline: &Timeline, axis: Duration, shared: bool) -> String {
    let axis_s = axis.max(timeline.total).as_secs_f64().max(1e-9);
    let longest_label = timeline.rows.iter().map(|r| r.chars().count()).max();
    let label_width = (longest_label.unwrap_or(6) as f64 * CHAR_WIDTH + 24.0).max(90.0);
    let plot_width = WIDTH - label_width - 30.0;
    let scale = plot_width / axis_s;
    let (top, row_height) = (66.0, 30.0);
    let rows_bottom = top + row_height * timeline.rows.len() as f64;
    let run_end = label_width + timeline.total.as_secs_f64() * scale;

    let stripe = timeline.stripe.as_deref().unwrap_or("working");
    let noun = row_noun(timeline);
    let default_caption = format!(
        "Each row is one {noun}; a stripe is a stretch of time it spent {stripe}, grey is \
         time it waited or sat idle. Time runs left to right from the start of the run, which took {}.",
        crate::value::format_duration(timeline.total).replace(' ', &UNBREAKABLE_SPACE.to_string()),
    );
    // A lesson's own caption says what to see; that the axis is shared is said either way.
    let mut text = timeline.caption.clone().unwrap_or(default_caption);
    if shared {
        text +=
            " Drawn on the same time axis as this experiment's other timeline, so lengths compare.";
    }
    let text = text.as_str();
    let (caption_svg, caption_height) = caption(text, rows_bottom + 40.0);
    let height = rows_bottom + 40.0 + caption_height;

    let mut svg = open_svg(height, &timeline.title);
    let mut x = 12.0;
    let stripes = if timeline.rows.len() > 1 {
        format!("{}/{}", COLOURS[0], COLOURS[1])
    } else {
        COLOURS[0].to_string()
    };
    let entries = [
        (stripes.as_str(), false, stripe.to_string()),
        (IDLE, false, "waiting or idle".to_string()),
    ];
    for (colour, dashed, text) in entries {
        let (entry, width) = legend_entry(x, 52.0, colour, dashed, &text);
        svg += &entry;
        x += width;
    }
    if run_end < label_width + plot_width - 1.0 {
        let (entry, _) = legend_entry(x, 52.0, "", true, "end of this run");
        svg += &entry;
    }
    for tick in ticks(axis_s) {
        let tx = label_width + tick * scale;
        svg += &format!(
            "<line x1=\"{tx:.2}\" y1=\"{top}\" x2=\"{tx:.2}\" y2=\"{y2}\" stroke=\"#bbb\" stroke-width=\"1\"/>\n\
             <text x=\"{tx:.2}\" y=\"{ty}\" {SMALL} text-anchor=\"middle\">{}</text>\n",
            time_label(tick, axis_s),
            y2 = rows_bottom + 4.0,
            ty = rows_bottom + 22.0
        );
    }
    for (row, label) in timeline.rows.iter().enumerate() {
        let y = top + row_height * row as f64;
        svg += &format!(
            "<text x=\"12\" y=\"{ty}\" {FONT}>{label}</text>\n\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{w:.2}\" height=\"{h}\" fill=\"{IDLE}\"/>\n",
            ty = y + 19.0,
            w = run_end - label_width,
            h = row_height - 6.0,
            label = escape(label)
        );
        for span in timeline.spans.iter().filter(|s| s.row == row) {
            let x = label_width + span.start.as_secs_f64() * scale;
            let width = ((span.end - span.start).as_secs_f64() * scale).max(0.5);
            svg += &format!(
                "<rect x=\"{x:.2}\" y=\"{y}\" width=\"{width:.2}\" height=\"{h}\" fill=\"{c}\"/>\n",
                h = row_height - 6.0,
                c = COLOURS[row % COLOURS.len()]
            );
        }
    }
    if run_end < label_width + plot_width - 1.0 {
        svg += &format!(
            "<line x1=\"{run_end:.2}\" y1=\"{y1}\" x2=\"{run_end:.2}\" y2=\"{rows_bottom}\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n",
            y1 = top - 4.0
        );
    }
    svg += &caption_svg;
    svg += "</svg>\n";
    svg
}

/// Horizontal bars, one per variant, against a dashed line at the ideal speedup. The values
/// stand in a column of their own at the right, so no bar's label can cover the ideal line.
pub fn speedup_chart_svg(chart: &SpeedupChart) -> String {
    let longest_label = chart.bars.iter().map(|(l, _)| l.chars().count()).max();
    let label_width = (longest_label.unwrap_or(6) as f64 * CHAR_WIDTH + 24.0).max(90.0);
    let values_width = 70.0;
    let plot_width = WIDTH - label_width - values_width - 20.0;
    let max = chart
        .bars
        .iter()
        .map(|(_, s)| *s)
        .fold(chart.ideal, f64::max)
        * 1.05;
    let scale = plot_width / max;
    let (top, bar_step) = (66.0, 34.0);
    let bars_bottom = top + bar_step * chart.bars.len() as f64;

    // The line is drawn at `chart.ideal`, which is measured: legend and caption print that very
    // number, as the verdicts do (`format_ideal`), never a rounded "2x" beside a line at 1.52x.
    let ideal = format_ideal(chart.ideal);
    let default_caption = format!(
        "Each bar is a variant's speedup: the one-worker time divided by its time, both the \
         fastest of the interleaved runs. The dashed line is the ideal this run allowed, \
         min(workers, cores, measured capacity) = {ideal}: less than min(workers, cores) when \
         another program was using a core."
    );
    let text = chart.caption.as_deref().unwrap_or(&default_caption);
    let (caption_svg, caption_height) = caption(text, bars_bottom + 40.0);
    let height = bars_bottom + 40.0 + caption_height;

    let mut svg = open_svg(height, &chart.title);
    let (bars_entry, width) = legend_entry(12.0, 52.0, COLOURS[0], false, "speedup");
    svg += &bars_entry;
    let ideal_text = format!("ideal this run allowed: {ideal}");
    svg += &legend_entry(12.0 + width, 52.0, "", true, &ideal_text).0;
    for tick in ticks(max) {
        let tx = label_width + tick * scale;
        svg += &format!(
            "<line x1=\"{tx:.2}\" y1=\"{top}\" x2=\"{tx:.2}\" y2=\"{y2}\" stroke=\"#bbb\" stroke-width=\"1\"/>\n\
             <text x=\"{tx:.2}\" y=\"{ty}\" {SMALL} text-anchor=\"middle\">{tick}x</text>\n",
            y2 = bars_bottom + 4.0,
            ty = bars_bottom + 22.0
        );
    }
    for (i, (label, speedup)) in chart.bars.iter().enumerate() {
        let y = top + bar_step * i as f64;
        svg += &format!(
            "<text x=\"12\" y=\"{ty}\" {FONT}>{label}</text>\n\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{w:.2}\" height=\"{h}\" fill=\"{c}\"/>\n\
             <text x=\"{vx}\" y=\"{ty}\" {FONT} text-anchor=\"end\">{speedup:.2}x</text>\n",
            ty = y + 20.0,
            w = speedup * scale,
            h = bar_step - 8.0,
            c = COLOURS[i % COLOURS.len()],
            vx = WIDTH - 14.0,
            label = escape(label)
        );
    }
    let ideal_x = label_width + chart.ideal * scale;
    svg += &format!(
        "<line x1=\"{ideal_x:.2}\" y1=\"{y1}\" x2=\"{ideal_x:.2}\" y2=\"{bars_bottom}\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n",
        y1 = top - 4.0
    );
    svg += &caption_svg;
    svg += "</svg>\n";
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Span;

    fn timeline(total_ms: u64) -> Timeline {
        Timeline {
            name: "t".into(),
            title: "A & B".into(),
            rows: vec!["thread 0".into()],
            spans: vec![Span {
                row: 0,
                start: Duration::ZERO,
                end: Duration::from_millis(total_ms),
            }],
            total: Duration::from_millis(total_ms),
            caption: None,
            stripe: None,
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_axis() {
        assert_eq!(ticks(57.2e-3).len(), 6); // 0, 10 … 50 ms
        assert_eq!(time_label(0.01, 57.2e-3), "10 ms");
        assert_eq!(time_label(0.0025, 8e-3), "2.5 ms");
        assert_eq!(ticks(2.1), vec![0.0, 0.5, 1.0, 1.5, 2.0]);
    }

    #[test]
    fn timelines_on_a_shared_axis_are_drawn_to_one_scale() {
        let axis = Duration::from_millis(60);
        let short = timeline_svg(&timeline(30), axis, true);
        let long = timeline_svg(&timeline(60), axis, true);
        // The same tick labels: one scale. The shorter run ends half way, and says so.
        assert!(short.contains(">50 ms<") && long.contains(">50 ms<"));
        assert!(short.contains("end of this run") && !long.contains("end of this run"));
        assert!(short.contains("same time axis"), "{short}");
        assert!(short.contains("A &amp; B"));
        // A lesson's own caption keeps the sentence that says the axis is shared.
        let captioned = timeline(30).with_caption("What to see.");
        let svg = timeline_svg(&captioned, axis, true);
        assert!(
            svg.contains("What to see.") && svg.contains("same time axis"),
            "{svg}"
        );
        assert!(!timeline_svg(&captioned, axis, false).contains("same time axis"));
    }

    #[test]
    fn a_chart_has_a_legend_a_caption_and_its_values_apart_from_the_ideal() {
        let chart = SpeedupChart {
            name: "speedup".into(),
            title: "t".into(),
            bars: vec![("one".into(), 1.0), ("two".into(), 1.98)],
            ideal: 2.0,
            caption: None,
        };
        let svg = speedup_chart_svg(&chart);
        assert!(svg.contains("ideal this run allowed: 2x"), "{svg}");
        assert!(svg.contains("min(workers, cores, measured capacity) = 2x"));
        let custom = speedup_chart_svg(&chart.clone().with_caption("What to see."));
        assert!(custom.contains("What to see.") && !custom.contains("measured capacity"));
    }

    #[test]
    fn a_chart_names_the_measured_ideal_its_line_is_drawn_at() {
        // A busy run: the dashed line stands at 1.52x, so legend and caption say 1.52x, as the
        // verdicts do, not a rounded "2x".
        let chart = SpeedupChart {
            name: "speedup".into(),
            title: "t".into(),
            bars: vec![("one".into(), 1.0), ("two".into(), 1.40)],
            ideal: 1.52,
            caption: None,
        };
        let svg = speedup_chart_svg(&chart);
        let said = format_ideal(1.52);
        assert_eq!(said, "1.52x");
        assert!(
            svg.contains(&format!("ideal this run allowed: {said}")),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("measured capacity) = {said}")),
            "{svg}"
        );
        assert!(!svg.contains("= 2x") && !svg.contains(": 2x"), "{svg}");
    }
}
