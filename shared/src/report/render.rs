//! A [`Section`] as printed, in the order every experiment follows (what it does, the result,
//! listings, tables, the verdict, timelines), and as JSON with stable field names.

use serde_json::{Value as Json, json};

use super::Section;
use crate::value::Phrase;
use crate::wrap::{LINE_WIDTH, wrap, wrap_verbatim};

const TIMELINE_WIDTH: usize = 60;

/// The mark of a timing check that was not judged: as wide as `✓`, so the text wraps alike.
pub const NOT_JUDGED_MARK: &str = "? ";

impl Section {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::{BUSY_WORDS, Capacity};

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
