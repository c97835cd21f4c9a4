//! Aligned terminal tables that are also JSON arrays of objects.

use serde_json::{Map, Value as Json};

use crate::value::Segment;
use crate::wrap::{LINE_WIDTH, wrap};

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

    /// The first column left-aligned (names), the others right-aligned (numbers), in at most
    /// [`LINE_WIDTH`] columns when it can be done: headers wrap onto two or three lines, and a table
    /// still too wide is cut into as few tables as fit, each repeating the first column so that
    /// every row keeps its name, and cut between columns of different measures (not between the
    /// minimum and the median), as evenly as that allows.
    pub fn render(&self, redact: bool, indent: &str) -> String {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| row.iter().map(|c| c.render(redact)).collect())
            .collect();
        let fitting = |columns: &[usize]| {
            (1..=3)
                .map(|header_lines| self.layout(&cells, columns, header_lines))
                .find(|layout| indent.chars().count() + layout.width() <= LINE_WIDTH)
        };
        let others: Vec<usize> = (1..self.columns.len()).collect();
        let parts = (1..=others.len().max(1))
            .find_map(|count| {
                cuts(&others, count)
                    .into_iter()
                    .filter_map(|parts| {
                        parts
                            .iter()
                            .map(|part| fitting(&[&[0], part.as_slice()].concat()))
                            .collect::<Option<Vec<Layout>>>()
                    })
                    // Keep columns of one measure together (min beside median), then as even as
                    // can be: in columns first, as wrapped headers make widths hard to compare.
                    .min_by_key(|layouts| {
                        let split_kinds = layouts
                            .windows(2)
                            .filter(|pair| {
                                let last = pair[0].columns.last().copied().unwrap_or(0);
                                let first = pair[1].columns.get(1).copied().unwrap_or(0);
                                self.measure(last).is_some()
                                    && self.measure(last) == self.measure(first)
                            })
                            .count();
                        let most_columns = layouts.iter().map(|l| l.columns.len()).max();
                        let widest = layouts.iter().map(Layout::width).max();
                        (split_kinds, most_columns, widest)
                    })
            })
            // Not even one column beside the names fits: draw them one by one, too wide.
            .unwrap_or_else(|| {
                let singles = if others.is_empty() {
                    vec![vec![]]
                } else {
                    others.iter().map(|&c| vec![c]).collect()
                };
                singles
                    .iter()
                    .map(|part| self.layout(&cells, &[&[0], part.as_slice()].concat(), 3))
                    .collect()
            });
        let drawn: Vec<String> = parts
            .iter()
            .map(|layout| self.draw(&cells, layout, indent))
            .collect();
        drawn.join("\n")
    }

    /// Which measure a column holds (`[time]`), from its first cell; `None` for exact values,
    /// which say nothing about what belongs together.
    fn measure(&self, column: usize) -> Option<&'static str> {
        match self.rows.first().map(|row| &row[column]) {
            Some(Segment::Measured(m)) => Some(m.placeholder()),
            _ => None,
        }
    }

    /// The widths and header lines of `columns` (indices), each header wrapped onto at most
    /// `lines` lines.
    fn layout(&self, cells: &[Vec<String>], columns: &[usize], lines: usize) -> Layout {
        let mut widths = Vec::new();
        let mut headers = Vec::new();
        for &i in columns {
            let header = &self.columns[i].1;
            let cell_width = cells
                .iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0);
            let wrapped = header_lines(header, cell_width, lines);
            let header_width = wrapped.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            widths.push(cell_width.max(header_width));
            headers.push(wrapped);
        }
        Layout {
            columns: columns.to_vec(),
            widths,
            headers,
        }
    }

    fn draw(&self, cells: &[Vec<String>], layout: &Layout, indent: &str) -> String {
        let line = |texts: Vec<&str>| {
            let padded: Vec<String> = texts
                .iter()
                .zip(&layout.widths)
                .enumerate()
                .map(|(i, (text, &width))| {
                    if i == 0 {
                        format!("{text:<width$}")
                    } else {
                        format!("{text:>width$}")
                    }
                })
                .collect();
            format!("{indent}{}\n", padded.join(GAP).trim_end())
        };
        let header_lines = layout.headers.iter().map(Vec::len).max().unwrap_or(1);
        let mut out = String::new();
        for n in 0..header_lines {
            // Headers are bottom-aligned: a one-line header sits on the last header line.
            out += &line(
                layout
                    .headers
                    .iter()
                    .map(|lines| {
                        let skip = header_lines - lines.len();
                        if n < skip {
                            ""
                        } else {
                            lines[n - skip].as_str()
                        }
                    })
                    .collect(),
            );
        }
        let rule: Vec<String> = layout.widths.iter().map(|&w| "-".repeat(w)).collect();
        out += &line(rule.iter().map(String::as_str).collect());
        for row in cells {
            out += &line(layout.columns.iter().map(|&i| row[i].as_str()).collect());
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

/// Where each column of a drawn table goes.
struct Layout {
    columns: Vec<usize>,
    widths: Vec<usize>,
    headers: Vec<Vec<String>>,
}

/// Between two columns.
const GAP: &str = "  ";

impl Layout {
    fn width(&self) -> usize {
        self.widths.iter().sum::<usize>() + GAP.len() * self.widths.len().saturating_sub(1)
    }
}

/// Every way to cut `columns` into `count` runs of neighbouring columns, none empty.
fn cuts(columns: &[usize], count: usize) -> Vec<Vec<Vec<usize>>> {
    if count <= 1 {
        return vec![vec![columns.to_vec()]];
    }
    (1..columns.len())
        .flat_map(|first| {
            cuts(&columns[first..], count - 1)
                .into_iter()
                .map(move |mut rest| {
                    rest.insert(0, columns[..first].to_vec());
                    rest
                })
        })
        .collect()
}

/// `header` on at most `lines` lines, wrapped at spaces as narrow as that allows, but never
/// narrower than `at_least` (the widest cell below it), where fewer lines are enough.
fn header_lines(header: &str, at_least: usize, lines: usize) -> Vec<String> {
    let whole = header.chars().count();
    let longest_word = header
        .split(' ')
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    let mut width = at_least.max(longest_word);
    loop {
        let wrapped: Vec<String> = wrap(header, "", "", width)
            .lines()
            .map(str::to_string)
            .collect();
        if wrapped.len() <= lines || width >= whole {
            return wrapped;
        }
        width += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Measured;

    fn table(columns: &[(&str, &str)], rows: usize) -> Table {
        let mut t = Table::new(columns);
        for r in 0..rows {
            let mut cells: Vec<Segment> = vec![format!("variant number {r}").into()];
            for _ in 1..columns.len() {
                cells.push(Measured::Ratio(1.5).into());
            }
            t.row(cells);
        }
        t
    }

    #[test]
    fn a_narrow_table_is_drawn_as_it_is() {
        let t = table(&[("v", "variant"), ("s", "speedup")], 1);
        assert_eq!(
            t.render(false, "  "),
            "  variant           speedup\n  ----------------  -------\n  variant number 0    1.50x\n"
        );
        assert_eq!(
            t.render(true, "  "),
            "  variant           speedup\n  ----------------  -------\n  variant number 0  [ratio]\n"
        );
    }

    #[test]
    fn wide_headers_wrap_bottom_aligned() {
        let t = table(
            &[
                ("v", "variant"),
                ("a", "a rather long header for a number"),
                ("b", "another very long header of a column"),
                ("c", "and a third header that is far too long"),
            ],
            2,
        );
        let drawn = t.render(false, "  ");
        assert!(
            drawn.lines().all(|l| l.chars().count() <= LINE_WIDTH),
            "{drawn}"
        );
        let lines: Vec<&str> = drawn.lines().collect();
        assert!(lines[0].starts_with("  variant") || lines[1].starts_with("  variant"));
        assert!(lines[1].trim_start().starts_with("variant"), "{drawn}");
        assert!(lines[2].trim_start().starts_with("---"), "{drawn}");
    }

    #[test]
    fn a_table_too_wide_for_any_header_is_cut_and_keeps_its_names() {
        let columns: Vec<(String, String)> = (0..14)
            .map(|i| (format!("k{i}"), format!("column{i}")))
            .collect();
        let columns: Vec<(&str, &str)> = columns
            .iter()
            .map(|(k, h)| (k.as_str(), h.as_str()))
            .collect();
        let drawn = table(&columns, 3).render(false, "  ");
        assert!(
            drawn.lines().all(|l| l.chars().count() <= LINE_WIDTH),
            "{drawn}"
        );
        // Every part names its rows.
        assert_eq!(drawn.matches("variant number 2").count(), 2, "{drawn}");
        for i in 1..14 {
            assert_eq!(
                drawn.matches(&format!("column{i} ")).count()
                    + drawn.matches(&format!("column{i}\n")).count(),
                1,
                "{drawn}"
            );
        }
    }

    #[test]
    fn a_cut_keeps_columns_of_one_measure_together() {
        let mut t = Table::new(&[
            ("v", "variant with a long name"),
            ("a", "a count of something"),
            ("b", "another count of something"),
            ("min", "minimum time"),
            ("median", "median time"),
            ("s", "note"),
        ]);
        let time = || Segment::from(Measured::Time(std::time::Duration::from_millis(1)));
        t.row(vec![
            "a variant with quite a long name, longer than most are".into(),
            1u64.into(),
            2u64.into(),
            time(),
            time(),
            "a note of twenty chars".into(),
        ]);
        let drawn = t.render(false, "  ");
        let parts: Vec<&str> = drawn.split("\n\n").collect();
        assert_eq!(parts.len(), 2, "{drawn}");
        let with_min = parts.iter().find(|p| p.contains("minimum")).unwrap();
        assert!(with_min.contains("median"), "{drawn}");
    }

    #[test]
    fn a_cut_leaves_no_part_with_a_single_column_when_it_can() {
        let mut t = Table::new(&[
            ("variant", "variant"),
            ("consumers", "consumers"),
            ("items", "items per consumer (last run)"),
            ("most", "most working at once"),
            ("min_s", "min"),
            ("median_s", "median"),
            ("speedup", "speedup"),
            ("of_ideal", "of ideal"),
        ]);
        let time = || Segment::from(Measured::Time(std::time::Duration::from_millis(20)));
        t.row(vec![
            "std::mpsc, guard held during work".into(),
            2usize.into(),
            Measured::Varies("500 / 500".into()).into(),
            Measured::Count(2).into(),
            time(),
            time(),
            Measured::Ratio(1.0).into(),
            Measured::Share(1.0).into(),
        ]);
        for redact in [false, true] {
            let drawn = t.render(redact, "  ");
            let parts: Vec<&str> = drawn.split("\n\n").collect();
            assert_eq!(parts.len(), 2, "{drawn}");
            assert!(
                parts[0].contains("consumers") && parts[0].contains("working"),
                "{drawn}"
            );
            assert!(
                parts[1].contains("min") && parts[1].contains("speedup"),
                "{drawn}"
            );
        }
    }

    #[test]
    fn columns_are_cut_into_every_run_of_neighbours() {
        assert_eq!(
            cuts(&[1, 2, 3], 2),
            vec![vec![vec![1], vec![2, 3]], vec![vec![1, 2], vec![3]]]
        );
        assert_eq!(cuts(&[1, 2], 1), vec![vec![vec![1, 2]]]);
    }

    #[test]
    fn headers_wrap_as_narrow_as_their_lines_allow() {
        let header = "items per consumer (last run)";
        assert_eq!(
            header_lines(header, 9, 2),
            ["items per consumer", "(last run)"]
        );
        assert_eq!(
            header_lines(header, 9, 3),
            ["items per", "consumer", "(last run)"]
        );
        assert_eq!(header_lines(header, 9, 1), [header]);
        assert_eq!(header_lines("speedup", 5, 2), ["speedup"]);
        assert_eq!(header_lines("of ideal", 8, 2), ["of ideal"]);
    }
}
