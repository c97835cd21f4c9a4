//! Aligned terminal tables that are also JSON arrays of objects.

use serde_json::{Map, Value as Json};

use crate::value::Segment;

/// A table of measurements: one row per variant.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// `(json_key, header)` per column; keys carry their unit (`min_s`), headers are for people.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<Segment>>,
}

impl Table {
    pub fn new(columns: &[(&str, &str)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(k, h)| (k.to_string(), h.to_string()))
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Segment>) -> &mut Table {
        assert_eq!(
            cells.len(),
            self.columns.len(),
            "a row needs one cell per column"
        );
        self.rows.push(cells);
        self
    }

    /// The first column left-aligned (names), the others right-aligned (numbers).
    pub fn render(&self, redact: bool, indent: &str) -> String {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| row.iter().map(|c| c.render(redact)).collect())
            .collect();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, header))| {
                cells
                    .iter()
                    .map(|row| row[i].chars().count())
                    .chain([header.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |texts: Vec<&str>| {
            let padded: Vec<String> = texts
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (text, &width))| {
                    if i == 0 {
                        format!("{text:<width$}")
                    } else {
                        format!("{text:>width$}")
                    }
                })
                .collect();
            format!("{indent}{}\n", padded.join("  ").trim_end())
        };
        let mut out = line(self.columns.iter().map(|(_, h)| h.as_str()).collect());
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        out += &line(rule.iter().map(String::as_str).collect());
        for row in &cells {
            out += &line(row.iter().map(String::as_str).collect());
        }
        out
    }

    pub fn to_json(&self) -> Json {
        let rows = self.rows.iter().map(|row| {
            let object: Map<String, Json> = self
                .columns
                .iter()
                .zip(row)
                .map(|((key, _), cell)| (key.clone(), cell.to_json()))
                .collect();
            Json::Object(object)
        });
        Json::Array(rows.collect())
    }
}
