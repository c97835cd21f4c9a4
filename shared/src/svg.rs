//! The book's figures: timelines and speedup charts as small, dependency-free SVG files.

use crate::timeline::Timeline;

/// Bars of speedup per variant, with the ideal this machine allows drawn as a dashed line.
#[derive(Debug, Clone)]
pub struct SpeedupChart {
    /// File-name friendly, used for the SVG (`<section>-<name>.svg`).
    pub name: String,
    pub title: String,
    /// `(variant, speedup over the baseline)`.
    pub bars: Vec<(String, f64)>,
    pub ideal: f64,
}

const FONT: &str = "font-family=\"sans-serif\" font-size=\"12\"";
const COLOURS: [&str; 6] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The opening of a figure: its size, a white background and a bold title.
fn open_svg(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"20\" {FONT} font-weight=\"bold\">{}</text>\n",
        escape(title)
    )
}

/// One row per worker, a rectangle per span.
pub fn timeline_svg(timeline: &Timeline) -> String {
    let (label_width, plot_width, row_height) = (120.0, 600.0, 22.0);
    let height = 40.0 + row_height * timeline.rows.len() as f64 + 24.0;
    let scale = plot_width / timeline.total.as_secs_f64().max(1e-9);
    let mut svg = open_svg(label_width + plot_width + 20.0, height, &timeline.title);
    for (row, label) in timeline.rows.iter().enumerate() {
        let y = 34.0 + row_height * row as f64;
        svg += &format!(
            "<text x=\"10\" y=\"{ty}\" {FONT}>{label}</text>\n\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{plot_width}\" height=\"{h}\" fill=\"#f0f0f0\"/>\n",
            ty = y + 14.0,
            h = row_height - 4.0,
            label = escape(label)
        );
        for span in timeline.spans.iter().filter(|s| s.row == row) {
            let x = label_width + span.start.as_secs_f64() * scale;
            let width = ((span.end - span.start).as_secs_f64() * scale).max(0.5);
            svg += &format!(
                "<rect x=\"{x:.2}\" y=\"{y}\" width=\"{width:.2}\" height=\"{h}\" fill=\"{c}\"/>\n",
                h = row_height - 4.0,
                c = COLOURS[row % COLOURS.len()]
            );
        }
    }
    let axis_y = 34.0 + row_height * timeline.rows.len() as f64 + 14.0;
    svg += &format!(
        "<text x=\"{label_width}\" y=\"{axis_y}\" {FONT}>0</text>\n\
         <text x=\"{end}\" y=\"{axis_y}\" {FONT} text-anchor=\"end\">{total}</text>\n</svg>\n",
        end = label_width + plot_width,
        total = crate::value::format_duration(timeline.total)
    );
    svg
}

/// Horizontal bars, one per variant, against a dashed line at the ideal speedup.
pub fn speedup_chart_svg(chart: &SpeedupChart) -> String {
    let (label_width, plot_width, bar_height) = (160.0, 440.0, 24.0);
    let max = chart
        .bars
        .iter()
        .map(|(_, s)| *s)
        .fold(chart.ideal, f64::max)
        * 1.1;
    let scale = plot_width / max;
    let height = 40.0 + bar_height * chart.bars.len() as f64 + 30.0;
    let mut svg = open_svg(label_width + plot_width + 60.0, height, &chart.title);
    for (i, (label, speedup)) in chart.bars.iter().enumerate() {
        let y = 34.0 + bar_height * i as f64;
        svg += &format!(
            "<text x=\"10\" y=\"{ty}\" {FONT}>{label}</text>\n\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{w:.2}\" height=\"{h}\" fill=\"{c}\"/>\n\
             <text x=\"{tx:.2}\" y=\"{ty}\" {FONT}>{speedup:.2}x</text>\n",
            ty = y + 15.0,
            w = speedup * scale,
            h = bar_height - 6.0,
            c = COLOURS[i % COLOURS.len()],
            tx = label_width + speedup * scale + 4.0,
            label = escape(label)
        );
    }
    let ideal_x = label_width + chart.ideal * scale;
    let bottom = 34.0 + bar_height * chart.bars.len() as f64;
    svg += &format!(
        "<line x1=\"{ideal_x:.2}\" y1=\"30\" x2=\"{ideal_x:.2}\" y2=\"{bottom}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n\
         <text x=\"{ideal_x:.2}\" y=\"{ly}\" {FONT} text-anchor=\"middle\">ideal on this machine: {ideal:.0}x</text>\n</svg>\n",
        ly = bottom + 16.0,
        ideal = chart.ideal
    );
    svg
}
