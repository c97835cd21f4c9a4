//! The course pages' generated parts: figures taken from the recorded runs, and the lists of
//! wrong answers each exercise's check rejects. The pages include the generated files; they never
//! retype a figure or a list, so a new recording or a new wrong answer cannot leave them behind.
//!
//! A figure is named in `book/figures.txt`, one a line: `name | recorded file | template`. The
//! template is text of the recorded file with `{}` where the figure stands and `{_}` for a value
//! to skip (a table's earlier columns). Runs of spaces and line breaks count as one space, so a
//! template may cross a wrapped line or a table's column gap:
//!
//! ```text
//! threads-speedup | lesson-01-threads-and-locks/cpu-work.txt | scoped threads 2 {_} {_} {}
//! ```
//!
//! A value is a number with its unit if it has one: `1.91x`, `98%`, `44.9 ms`, `8.08 MiB`.

use std::path::{Path, PathBuf};

use crate::{Lesson, root};

/// Where the generated figures go, one file each: `<name>.md`, the figure without a newline, so
/// a page includes it in a sentence or a table cell.
pub const FIGURES_DIR: &str = "book/src/recorded/figures";
/// Where the generated lists of wrong answers go: `wrong-answers-<lesson package>.md`.
pub const WRONG_DIR: &str = "book/src/recorded/course";
/// The list of figures the course pages quote.
pub const FIGURES_SPEC: &str = "book/figures.txt";

/// The units a value may carry after a space.
const UNITS: [&str; 10] = [
    "ns", "µs", "ms", "s", "B", "KiB", "MiB", "GiB", "k/s", "M/s",
];

/// One figure of `book/figures.txt`.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    /// The recorded file, relative to `book/src/recorded/`.
    pub file: String,
    pub template: String,
    /// The value the page's words rely on (`| = 0` after the template), if any: a recording
    /// that gives another value fails, so the sentence around it cannot turn false unnoticed.
    pub expect: Option<String>,
}

/// The figures named in the spec's text; a line that is not `name | file | template` is an error.
pub fn figure_specs(spec: &str) -> Result<Vec<Figure>, String> {
    let mut figures: Vec<Figure> = Vec::new();
    for (number, line) in spec.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        let (name, file, template, expect) = match parts[..] {
            [name, file, template] => (name, file, template, None),
            [name, file, template, expect] => match expect.strip_prefix('=') {
                Some(value) => (name, file, template, Some(value.trim().to_string())),
                None => {
                    return Err(format!(
                        "line {}: after the template only `| = value` may follow",
                        number + 1
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "line {}: expected name | file | template",
                    number + 1
                ));
            }
        };
        let well_named = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_named {
            return Err(format!(
                "line {}: the name {name:?} must be lowercase letters, digits and dashes",
                number + 1
            ));
        }
        if template.matches("{}").count() != 1 {
            return Err(format!("line {}: the template needs one {{}}", number + 1));
        }
        if figures.iter().any(|f| f.name == name) {
            return Err(format!("line {}: {name} is named twice", number + 1));
        }
        figures.push(Figure {
            name: name.to_string(),
            file: file.to_string(),
            template: template.to_string(),
            expect,
        });
    }
    Ok(figures)
}

/// The text with every run of whitespace, line breaks included, made one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The length in bytes of the value at the start of `text`, if one starts there.
pub fn value_at(text: &str) -> Option<usize> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let mut end = digits(text);
    if end == 0 {
        return None;
    }
    if text[end..].starts_with('.') && digits(&text[end + 1..]) > 0 {
        end += 1 + digits(&text[end + 1..]);
    }
    let ends_a_word =
        |at: usize| !text[at..].starts_with(|c: char| c.is_alphanumeric() || c == '/');
    if text[end..].starts_with(['x', '%']) && ends_a_word(end + 1) {
        return Some(end + 1);
    }
    if let Some(rest) = text[end..].strip_prefix(' ') {
        for unit in UNITS {
            if rest.starts_with(unit) && ends_a_word(end + 1 + unit.len()) {
                return Some(end + 1 + unit.len());
            }
        }
    }
    ends_a_word(end).then_some(end)
}

/// The figure the template picks from the recorded text: the one value at its `{}`. The template
/// must match exactly once, so a figure never comes from the wrong row by accident.
pub fn extract(recorded: &str, template: &str) -> Result<String, String> {
    let text = squeeze(recorded);
    let template = squeeze(template);
    // Literal pieces between the placeholders, and which placeholder is the figure.
    let mut literals = Vec::new();
    let mut picks = Vec::new();
    let mut rest = template.as_str();
    loop {
        let next = [("{}", true), ("{_}", false)]
            .into_iter()
            .filter_map(|(p, pick)| rest.find(p).map(|at| (at, p.len(), pick)))
            .min();
        match next {
            Some((at, len, pick)) => {
                literals.push(&rest[..at]);
                picks.push(pick);
                rest = &rest[at + len..];
            }
            None => {
                literals.push(rest);
                break;
            }
        }
    }
    if literals[0].is_empty() {
        return Err(format!(
            "the template {template:?} must start with text, not a value"
        ));
    }
    let mut found: Vec<String> = Vec::new();
    let mut start = 0;
    while let Some(offset) = text[start..].find(literals[0]) {
        let at = start + offset;
        start = at + text[at..].chars().next().map_or(1, char::len_utf8);
        let mut position = at + literals[0].len();
        let mut figure = None;
        let mut matched = true;
        for (pick, literal) in picks.iter().zip(&literals[1..]) {
            let Some(len) = value_at(&text[position..]) else {
                matched = false;
                break;
            };
            if *pick {
                figure = Some(text[position..position + len].to_string());
            }
            position += len;
            if !text[position..].starts_with(literal) {
                matched = false;
                break;
            }
            position += literal.len();
        }
        if let (true, Some(figure)) = (matched, figure) {
            found.push(figure);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("the template {template:?} matches nothing")),
        n => Err(format!(
            "the template {template:?} matches {n} places ({}): make it longer",
            found.join(", ")
        )),
    }
}

/// Every figure of `book/figures.txt` as the recorded runs give it: `(file name, figure)`.
pub fn figures() -> Result<Vec<(String, String)>, String> {
    let spec = std::fs::read_to_string(root().join(FIGURES_SPEC))
        .map_err(|e| format!("{FIGURES_SPEC}: {e}"))?;
    let specs = figure_specs(&spec).map_err(|e| format!("{FIGURES_SPEC}: {e}"))?;
    let mut problems = Vec::new();
    let mut figures = Vec::new();
    for figure in specs {
        let path = root().join("book/src/recorded").join(&figure.file);
        let outcome = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|text| extract(&text, &figure.template));
        match outcome {
            Ok(value) if figure.expect.as_ref().is_some_and(|e| *e != value) => {
                problems.push(format!(
                    "{}: the recording gives {value}, and the page's words rely on {}: \
                     re-read the sentence around it",
                    figure.name,
                    figure.expect.as_deref().unwrap_or_default()
                ))
            }
            Ok(value) => figures.push((format!("{}.md", figure.name), value)),
            Err(problem) => problems.push(format!("{}: {problem}", figure.name)),
        }
    }
    if problems.is_empty() {
        Ok(figures)
    } else {
        Err(problems.join("\n"))
    }
}

/// The first comment paragraph of a wrong answer: what it does, in its author's words.
pub fn what_it_does(source: &str) -> String {
    let said: Vec<&str> = source
        .lines()
        .map_while(|l| l.strip_prefix("//"))
        .map(|l| l.trim_start_matches(['/', '!']).trim())
        .take_while(|l| !l.is_empty())
        .collect();
    said.join(" ")
}

/// A lesson's exercise folder, if it has one with wrong answers.
fn wrong_folder(lesson: &Lesson) -> Option<PathBuf> {
    Some(lesson.dir.join("exercise/tests/wrong")).filter(|p| p.is_dir())
}

/// The Markdown table of the wrong answers a lesson's check rejects, from `tests/wrong/`.
pub fn wrong_answer_table(folder: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    files.sort();
    let mut table = String::from("| wrong answer | what it does |\n|---|---|\n");
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let name = file.file_stem().unwrap_or_default().to_string_lossy();
        let mut said = what_it_does(&source).replace('|', "\\|");
        if said.is_empty() {
            said = "(no comment at the top of the file)".to_string();
        }
        table += &format!("| `{name}` | {said} |\n");
    }
    table
}

/// Every lesson's list of wrong answers: `(file name, Markdown table)`.
pub fn wrong_answer_lists() -> Vec<(String, String)> {
    crate::lessons()
        .iter()
        .filter_map(|lesson| {
            let folder = wrong_folder(lesson)?;
            Some((
                format!("wrong-answers-{}.md", lesson.package),
                wrong_answer_table(&folder),
            ))
        })
        .collect()
}

/// What differs between the generated files and those in `dir`: missing, changed, left over.
pub fn out_of_date(dir: &str, wanted: &[(String, String)]) -> Vec<String> {
    let dir = root().join(dir);
    let mut problems = Vec::new();
    for (name, text) in wanted {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(found) if &found == text => {}
            Ok(found) if !text.contains('\n') => problems.push(format!(
                "{name}: has {found:?}, the recordings give {text:?}"
            )),
            Ok(found) => {
                // A list: name only the lines that differ.
                let gone = found.lines().filter(|l| !text.lines().any(|t| t == *l));
                let new = text.lines().filter(|l| !found.lines().any(|f| f == *l));
                let mut said = format!("{name}: changed");
                for line in gone {
                    said += &format!("\n  - {line}");
                }
                for line in new {
                    said += &format!("\n  + {line}");
                }
                problems.push(said);
            }
            Err(_) => problems.push(format!("{name}: missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !wanted.iter().any(|(n, _)| *n == name) {
            problems.push(format!("{name}: left over, no longer generated"));
        }
    }
    problems
}

/// Writes the generated files into `dir`, removing those no longer generated.
pub fn write_all(dir: &str, wanted: &[(String, String)]) -> std::io::Result<()> {
    let dir = root().join(dir);
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(&dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !wanted.iter().any(|(n, _)| *n == name) {
            std::fs::remove_file(entry.path())?;
        }
    }
    for (name, text) in wanted {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// Measured-looking values typed on a page outside its includes and code: a number with a unit
/// (`1.9x`, `45 ms`, `80%`). The course pages take every figure from the recordings instead.
pub fn typed_figures(page: &str) -> Vec<String> {
    let mut typed = Vec::new();
    let mut in_code = false;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Inline code (a command, `--workers 2`) is not a figure; nor is an include.
        let mut prose = String::new();
        for (i, piece) in line.split('`').enumerate() {
            if i % 2 == 0 {
                prose += piece;
                prose.push(' ');
            }
        }
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("{{#include") {
            let end = rest[at..].find("}}").map_or(rest.len(), |e| at + e + 2);
            let (before, after) = (&rest[..at], &rest[end..]);
            typed.extend(typed_in(before));
            rest = after;
        }
        typed.extend(typed_in(rest));
    }
    typed
}

fn typed_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        let starts_a_number = c.is_ascii_digit() && !previous.is_alphanumeric() && previous != '.';
        if starts_a_number && let Some(len) = value_at(&text[at..]) {
            let value = &text[at..at + len];
            // A bare number (10 threads, 200 trials) is a setting, not a measurement.
            if !value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                found.push(value.to_string());
            }
        }
        previous = c;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDED: &str = "  variant         threads      min   median  speedup\n  \
        sequential            1  85.9 ms  90.3 ms    1.00x\n  \
        scoped threads        2  44.9 ms  46.3 ms    1.91x\n\
        Verdict\n  the racy one lost updates in 38% of the\n    trials.\n";

    #[test]
    fn a_template_picks_one_value_with_its_unit() {
        assert_eq!(
            extract(RECORDED, "scoped threads 2 {_} {_} {}").unwrap(),
            "1.91x"
        );
        assert_eq!(extract(RECORDED, "sequential 1 {}").unwrap(), "85.9 ms");
        // Across a wrapped line.
        assert_eq!(
            extract(RECORDED, "updates in {} of the trials").unwrap(),
            "38%"
        );
    }

    #[test]
    fn a_template_that_matches_nothing_or_twice_is_refused() {
        assert!(extract(RECORDED, "rayon 2 {}").is_err());
        assert!(extract(RECORDED, "{_} {}").is_err());
    }

    #[test]
    fn a_spec_line_may_name_the_value_the_page_relies_on() {
        let spec = "# a comment\nlost | f.txt | lost {} | = 0\nrate | f.txt | at {}\n";
        let specs = figure_specs(spec).unwrap();
        assert_eq!(specs[0].expect.as_deref(), Some("0"));
        assert_eq!(specs[1].expect, None);
        assert!(figure_specs("x | f.txt | at {} | 0").is_err());
        assert!(figure_specs("x | f.txt | at").is_err());
    }

    #[test]
    fn a_value_ends_at_a_word_boundary() {
        assert_eq!(value_at("1.91x the speed"), Some(5));
        assert_eq!(value_at("44.9 ms, then"), Some(7));
        assert_eq!(value_at("10 threads"), Some(2));
        assert_eq!(value_at("2xyz"), None);
        assert_eq!(value_at("x"), None);
    }

    #[test]
    fn typed_figures_are_found_outside_includes_and_code() {
        let page = "Threads ran 1.9x faster ({{#include a.md}} measured), `--workers 2` and\n\
            ```\n12 ms\n```\n10 threads, 45 ms, 80%.";
        assert_eq!(typed_figures(page), vec!["1.9x", "45 ms", "80%"]);
    }

    #[test]
    fn what_a_wrong_answer_does_is_its_first_comment_paragraph() {
        let source = "// A plausible wrong answer: one\n// short.\n//\n// More.\nfn x() {}\n";
        assert_eq!(what_it_does(source), "A plausible wrong answer: one short.");
    }
}
