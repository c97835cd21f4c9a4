//! The lesson's report: printed as it goes, as JSON with `--json`, as figures with `--svg`.
//!
//! Every experiment becomes a [`Section`] that prints, in this order: what it does, the result
//! (exact facts and their checks), listings, tables of measurements, the verdict in words, and
//! timelines. The same sections serialise to JSON with stable field names and numbers as numbers.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value as Json, json};

use crate::capacity::Capacity;
use crate::machine::Machine;
use crate::svg::{SpeedupChart, speedup_chart_svg, timeline_svg};
use crate::table::Table;
use crate::timeline::Timeline;
use crate::value::{Measured, Phrase};
use crate::wrap::{LINE_WIDTH, wrap, wrap_verbatim};

/// The recorded file of a lesson's opening lines (`opening.txt`); sections are named after
/// themselves (`<name>.txt`), so no section may be called this.
pub const OPENING: &str = "opening";

/// Set to `1` to print measured values as placeholders (`[time]`); snapshot tests use it.
pub const REDACT_ENV: &str = "LESSON_REDACT";

const TIMELINE_WIDTH: usize = 60;

/// A result line; `check` is `Some(true)` for a check that held, `Some(false)` for one that failed.
#[derive(Debug, Clone)]
pub struct Fact {
    pub phrase: Phrase,
    pub check: Option<bool>,
    /// A timing check that missed while another program was busy: not judged, printed `?`.
    pub not_judged: bool,
}

/// The mark of a timing check that was not judged: as wide as `✓`, so the text wraps alike.
pub const NOT_JUDGED_MARK: &str = "? ";

/// One experiment's printed output.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// The experiment's name, as given to `--only`.
    pub name: String,
    pub title: String,
    pub about: Vec<String>,
    pub results: Vec<Fact>,
    pub listings: Vec<(String, String)>,
    pub tables: Vec<(String, Table)>,
    pub verdicts: Vec<Phrase>,
    pub timelines: Vec<Timeline>,
    pub charts: Vec<SpeedupChart>,
    /// What the machine gave while the experiment was measured, when it was probed.
    pub capacity: Option<Capacity>,
    /// How the busy line ends, for an experiment that judges no speedup.
    pub busy_consequence: Option<Phrase>,
}

impl Section {
    pub fn new(name: &str, title: &str) -> Section {
        Section {
            name: name.to_string(),
            title: title.to_string(),
            ..Section::default()
        }
    }

    /// What the experiment does, in a plain sentence or two.
    pub fn about(mut self, text: &str) -> Section {
        self.about.push(text.to_string());
        self
    }

    pub fn result(&mut self, phrase: impl Into<Phrase>) {
        self.results.push(Fact {
            phrase: phrase.into(),
            check: None,
            not_judged: false,
        });
    }

    /// A result that must hold; it prints as `✓` or `✗`.
    pub fn check(&mut self, holds: bool, phrase: impl Into<Phrase>) {
        self.results.push(Fact {
            phrase: phrase.into(),
            check: Some(holds),
            not_judged: false,
        });
    }

    /// A check of a timing that another program can spoil (a wait, an order of arrival): `✓`
    /// when it held; when it missed while `capacity` says the machine was busy, `?`, not judged
    /// (the section's busy line says why), and it does not fail the lesson; otherwise `✗`.
    pub fn check_timing(&mut self, holds: bool, capacity: &Capacity, phrase: impl Into<Phrase>) {
        let not_judged = !holds && capacity.busy();
        self.results.push(Fact {
            phrase: phrase.into(),
            check: (!not_judged).then_some(holds),
            not_judged,
        });
    }

    /// Verbatim text, such as a compiler message.
    pub fn listing(&mut self, caption: &str, text: &str) {
        self.listings.push((caption.to_string(), text.to_string()));
    }

    pub fn table(&mut self, caption: &str, table: Table) {
        self.tables.push((caption.to_string(), table));
    }

    pub fn verdict(&mut self, phrase: impl Into<Phrase>) {
        self.verdicts.push(phrase.into());
    }

    pub fn timeline(&mut self, timeline: Timeline) {
        self.timelines.push(timeline);
    }

    pub fn chart(&mut self, chart: SpeedupChart) {
        self.charts.push(chart);
    }

    /// The capacity measured with the experiment's runs: the JSON carries it, and when another
    /// program was busy the verdict opens with one line saying what the run got.
    pub fn capacity(&mut self, capacity: &Capacity) {
        self.capacity = Some(*capacity);
    }

    /// As [`Section::capacity`], for an experiment that judges no speedup: its busy line ends
    /// with `consequence` (what was not judged) instead of the speedups' ideal.
    pub fn capacity_then(&mut self, capacity: &Capacity, consequence: impl Into<Phrase>) {
        self.capacity = Some(*capacity);
        self.busy_consequence = Some(consequence.into());
    }

    /// The verdicts, after the line saying the machine was busy when it was (when asked for).
    fn verdict_lines(&self, with_busy_line: bool) -> impl Iterator<Item = Phrase> + '_ {
        let busy = (self.capacity.as_ref())
            .and_then(|c| match &self.busy_consequence {
                Some(consequence) => c.busy_line_then(consequence.clone()),
                None => c.busy_line(),
            })
            .filter(|_| with_busy_line);
        busy.into_iter().chain(self.verdicts.iter().cloned())
    }

    /// Did every check in this section hold?
    pub fn all_checks_hold(&self) -> bool {
        self.results.iter().all(|f| f.check != Some(false))
    }

    /// The time axis this section's timelines share: the longest of them, so that two runs
    /// compared side by side are drawn to one scale.
    pub fn timeline_axis(&self) -> Duration {
        self.timelines
            .iter()
            .map(|t| t.total)
            .max()
            .unwrap_or_default()
    }

    /// The section as printed, every line within [`LINE_WIDTH`] columns where it can be; with
    /// `busy_line`, the verdict opens with the line saying another program was busy, if one was.
    pub fn render(&self, number: usize, redact: bool, busy_line: bool) -> String {
        let mut out = format!("\n== {number}. {} ({}) ==\n", self.title, self.name);
        for line in &self.about {
            out += &wrap(line, "", "", LINE_WIDTH);
        }
        if !self.results.is_empty() {
            out += "\nResult\n";
            for fact in &self.results {
                let mark = match fact.check {
                    Some(true) => "✓ ",
                    Some(false) => "✗ ",
                    None if fact.not_judged => NOT_JUDGED_MARK,
                    None => "",
                };
                let first = format!("  {mark}");
                let text = fact.phrase.render_unbreakable(redact);
                out += &wrap(&text, &first, "    ", LINE_WIDTH);
            }
        }
        for (caption, text) in &self.listings {
            out += "\n";
            out += &wrap(caption, "", "", LINE_WIDTH);
            for line in text.lines() {
                out += &wrap_verbatim(line, "  | ", LINE_WIDTH);
            }
        }
        for (caption, table) in &self.tables {
            out += "\n";
            out += &wrap(caption, "", "", LINE_WIDTH);
            out += &table.render(redact, "  ");
        }
        let verdicts: Vec<Phrase> = self.verdict_lines(busy_line).collect();
        if !verdicts.is_empty() {
            out += "\nVerdict\n";
            for verdict in &verdicts {
                out += &wrap(
                    &verdict.render_unbreakable(redact),
                    "  ",
                    "    ",
                    LINE_WIDTH,
                );
            }
        }
        let axis = self.timeline_axis();
        for timeline in &self.timelines {
            out += "\n";
            out += &wrap(&timeline.title, "", "", LINE_WIDTH);
            out += &timeline.render_on_axis(redact, "  ", TIMELINE_WIDTH, axis);
        }
        out
    }

    pub fn to_json(&self) -> Json {
        json!({
            "name": self.name,
            "title": self.title,
            "about": self.about,
            "results": self.results.iter().map(|f| json!({
                "text": f.phrase.render(false),
                "values": f.phrase.segments.iter()
                    .filter(|s| matches!(s, crate::value::Segment::Measured(_)) || is_number(s))
                    .map(|s| s.to_json()).collect::<Vec<_>>(),
                "check": f.check,
                "not_judged": f.not_judged,
            })).collect::<Vec<_>>(),
            "tables": self.tables.iter().map(|(caption, t)| json!({"caption": caption, "rows": t.to_json()})).collect::<Vec<_>>(),
            "verdicts": self.verdict_lines(true).map(|v| v.render(false)).collect::<Vec<_>>(),
            "capacity": self.capacity.map(|c| json!({
                "cores": c.cores,
                "workers": c.workers,
                "cores_obtained": c.obtained(),
                "probe_obtained": c.parallel,
                "one_thread_obtained": c.single,
                "others_used": c.others,
                "speedup_shown": c.shown,
                "probes": c.probes,
                "busy": c.busy(),
                "ideal": c.ideal(c.workers),
            })),
            "timelines": self.timelines,
        })
    }
}

fn is_number(segment: &crate::value::Segment) -> bool {
    matches!(segment, crate::value::Segment::Exact(_, json) if json.is_number())
}

/// Where the report goes, from the common command-line options.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub json: bool,
    pub svg: Option<PathBuf>,
    /// Writes `output.txt`, `output.redacted.txt`, one `<section>.txt` per experiment (and
    /// `opening.txt`) and the figures here: the book's reference run.
    pub record: Option<PathBuf>,
    pub redact: bool,
}

/// Prints sections as they finish and writes what was asked for at the end.
pub struct Report {
    lesson: String,
    machine: Machine,
    output: Output,
    sections: Vec<Section>,
    printed: String,
    redacted: String,
    /// What each part printed (the opening, then each section by name), for `--record`.
    parts: Vec<(String, String)>,
}

impl Report {
    /// Prints the lesson's opening: what it is about and the machine it runs on.
    pub fn start(lesson: &str, tagline: &str, output: Output) -> Report {
        let machine = Machine::detect();
        let mut report = Report {
            lesson: lesson.to_string(),
            machine,
            output,
            sections: Vec::new(),
            printed: String::new(),
            redacted: String::new(),
            parts: Vec::new(),
        };
        let header = |redact: bool| {
            let m = &report.machine;
            let cpu = m.cpu.clone().unwrap_or_else(|| "unknown CPU".to_string());
            let hint = if m.profile == "debug" {
                " (add --release for the book's figures)"
            } else {
                ""
            };
            let line = crate::phrase!(
                "Machine: {} cores, {}, {} build{}",
                Measured::Machine(m.cores.to_string()),
                Measured::Machine(cpu),
                Measured::Machine(m.profile.to_string()),
                Measured::Machine(hint.to_string())
            );
            format!(
                "{lesson}\n{}{}",
                wrap(tagline, "", "", LINE_WIDTH),
                wrap(&line.render_unbreakable(redact), "", "  ", LINE_WIDTH)
            )
        };
        let (real, redacted) = (header(false), header(true));
        report.parts.push((OPENING.to_string(), real.clone()));
        report.emit(real, redacted.clone(), redacted);
        report
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Prints a finished experiment (unless the output is JSON) and keeps it for the end.
    pub fn add(&mut self, section: Section) {
        let number = self.sections.len() + 1;
        let real = section.render(number, false, true);
        // Printed redacted output keeps the busy line (redacted), so that the snapshot tests see
        // that a verdict was judged on a busy machine; the recorded redacted run leaves it out,
        // since whether another program was busy while the book was recorded is a measurement too.
        let printed_redacted = section.render(number, true, true);
        let recorded_redacted = section.render(number, true, false);
        self.parts.push((section.name.clone(), real.clone()));
        self.emit(real, printed_redacted, recorded_redacted);
        self.sections.push(section);
    }

    fn emit(&mut self, real: String, printed_redacted: String, recorded_redacted: String) {
        if !self.output.json {
            let text = if self.output.redact {
                &printed_redacted
            } else {
                &real
            };
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(text.as_bytes());
            let _ = std::io::stdout().flush();
        }
        self.printed += &real;
        self.redacted += &recorded_redacted;
    }

    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// Finishes the report (see [`Report::finish`]) and says how the lesson ends: success, or one
    /// line on stderr and a failure when a check failed or the figures could not be written.
    pub fn conclude(self) -> std::process::ExitCode {
        match self.finish() {
            Ok(true) => std::process::ExitCode::SUCCESS,
            Ok(false) => {
                eprintln!("error: a check failed (marked ✗ above)");
                std::process::ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("error: cannot write the figures: {error}");
                std::process::ExitCode::FAILURE
            }
        }
    }

    /// Prints the JSON, writes figures and the recording; true when every check held.
    pub fn finish(self) -> std::io::Result<bool> {
        if self.output.json {
            let document = json!({
                "lesson": self.lesson,
                "machine": self.machine,
                "experiments": self.sections.iter().map(Section::to_json).collect::<Vec<_>>(),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&document).expect("JSON of plain values")
            );
        }
        for dir in self.output.svg.iter().chain(&self.output.record) {
            std::fs::create_dir_all(dir)?;
            for section in &self.sections {
                let axis = section.timeline_axis();
                let shared = section.timelines.len() > 1;
                for timeline in &section.timelines {
                    let path = dir.join(format!("{}-{}.svg", section.name, timeline.name));
                    std::fs::write(path, timeline_svg(timeline, axis, shared))?;
                }
                for chart in &section.charts {
                    let path = dir.join(format!("{}-{}.svg", section.name, chart.name));
                    std::fs::write(path, speedup_chart_svg(chart))?;
                }
            }
        }
        if let Some(dir) = &self.output.record {
            std::fs::write(dir.join("output.txt"), &self.printed)?;
            std::fs::write(dir.join("output.redacted.txt"), &self.redacted)?;
            // One file per part, so that a chapter shows each experiment's result beside its
            // text: `{{#include recorded/<lesson>/<section>.txt}}`.
            for (i, (name, text)) in self.parts.iter().enumerate() {
                if i > 0 && name == OPENING {
                    return Err(std::io::Error::other(format!(
                        "a section may not be named '{OPENING}': its recording would overwrite the opening's"
                    )));
                }
                std::fs::write(
                    dir.join(format!("{name}.txt")),
                    text.trim_start_matches('\n'),
                )?;
            }
        }
        Ok(self.sections.iter().all(Section::all_checks_hold))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::BUSY_WORDS;

    /// The snapshot tests forgive verdict words only when they can see that the machine was busy:
    /// printed redacted output must keep that line, while the book's recorded run leaves it out.
    #[test]
    fn redacted_output_says_when_the_machine_was_busy_and_the_recording_does_not() {
        let mut section = Section::new("busy", "A busy run");
        section.verdict("threads: no real speedup.");
        section.capacity(&Capacity {
            cores: 2,
            workers: 2,
            parallel: Some(1.1),
            single: Some(1.0),
            probes: 20,
            others: None,
            shown: None,
        });
        assert!(section.render(1, true, true).contains(BUSY_WORDS));
        assert!(section.render(1, false, true).contains(BUSY_WORDS));
        assert!(!section.render(1, true, false).contains(BUSY_WORDS));
    }
}
