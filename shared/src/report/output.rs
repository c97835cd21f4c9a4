//! The whole report ([`Report`]): the lesson's opening, each section printed as it finishes,
//! and at the end what the options asked for (JSON, figures, the book's recorded run).

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::json;

use super::Section;
use crate::machine::Machine;
use crate::svg::{speedup_chart_svg, timeline_svg};
use crate::value::Measured;
use crate::wrap::{LINE_WIDTH, wrap};

/// The recorded file of a lesson's opening lines (`opening.txt`); sections are named after
/// themselves (`<name>.txt`), so no section may be called this.
pub const OPENING: &str = "opening";

/// Set to `1` to print measured values as placeholders (`[time]`); snapshot tests use it.
pub const REDACT_ENV: &str = "LESSON_REDACT";

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
