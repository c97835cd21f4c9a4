//! What an experiment records as it runs ([`Section`]): what it does, its results and checks,
//! listings, tables, verdicts, timelines, charts, and the capacity the machine gave it.

use std::time::Duration;

use crate::capacity::Capacity;
use crate::svg::SpeedupChart;
use crate::table::Table;
use crate::timeline::Timeline;
use crate::value::Phrase;

/// A result line; `check` is `Some(true)` for a check that held, `Some(false)` for one that failed.
#[derive(Debug, Clone)]
pub struct Fact {
    pub phrase: Phrase,
    pub check: Option<bool>,
    /// A timing check that missed while another program was busy: not judged, printed `?`.
    pub not_judged: bool,
}

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
}
