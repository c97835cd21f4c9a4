//! What the workspace checks read: the lessons, the book's pages and their includes.

pub mod course;

use std::path::{Path, PathBuf};

/// The repository's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// A lesson package: `lessons/NN-topic/`, package `lesson-NN-topic`.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub dir: PathBuf,
    pub package: String,
    /// `NN-topic`, the chapter's file stem.
    pub topic: String,
}

/// Every lesson package under `lessons/`.
pub fn lessons() -> Vec<Lesson> {
    let mut lessons: Vec<Lesson> = std::fs::read_dir(root().join("lessons"))
        .expect("lessons/ exists")
        .flatten()
        .filter_map(|entry| {
            let manifest = std::fs::read_to_string(entry.path().join("Cargo.toml")).ok()?;
            let package = manifest
                .lines()
                .find_map(|l| {
                    l.strip_prefix("name = \"")
                        .and_then(|rest| rest.strip_suffix('"'))
                })?
                .to_string();
            let topic = package.strip_prefix("lesson-")?.to_string();
            Some(Lesson {
                dir: entry.path(),
                package,
                topic,
            })
        })
        .collect();
    lessons.sort_by(|a, b| a.package.cmp(&b.package));
    lessons
}

/// Every Markdown page of the book.
pub fn book_pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root().join("book/src"))
        .expect("book/src exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages
}

/// An `{{#include path}}` or `{{#include path:anchor}}` in a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub path: String,
    pub anchor: Option<String>,
}

/// The includes of a page's text, in order.
pub fn includes(page: &str) -> Vec<Include> {
    page.match_indices("{{#include ")
        .filter_map(|(at, _)| {
            let rest = &page[at + "{{#include ".len()..];
            let target = rest[..rest.find("}}")?].trim();
            let (path, anchor) = match target.split_once(':') {
                // `file:10:20` is a line range, not an anchor.
                Some((path, anchor)) if !anchor.starts_with(|c: char| c.is_ascii_digit()) => {
                    (path, Some(anchor.to_string()))
                }
                Some((path, _)) => (path, None),
                None => (target, None),
            };
            Some(Include {
                path: path.to_string(),
                anchor,
            })
        })
        .collect()
}

/// Why an include does not resolve, or `None` when it does.
pub fn unresolved(page_dir: &Path, include: &Include) -> Option<String> {
    let file = page_dir.join(&include.path);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Some(format!("{} does not exist", include.path));
    };
    let anchor = include.anchor.as_ref()?;
    let start = format!("ANCHOR: {anchor}");
    let end = format!("ANCHOR_END: {anchor}");
    // mdBook includes nothing, silently, for an anchor it cannot find.
    if !text.lines().any(|l| l.trim_end().ends_with(&start))
        || !text.lines().any(|l| l.trim_end().ends_with(&end))
    {
        return Some(format!(
            "{} has no ANCHOR/ANCHOR_END pair named '{anchor}'",
            include.path
        ));
    }
    None
}

/// Strips the common indentation of every fenced code block that starts at the left margin:
/// code included by anchor from inside a function keeps its indentation in mdBook 0.5.4. A
/// fence indented itself (a code block in a list) is left alone, as its indent means something.
pub fn dedent_code_blocks(markdown: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut block: Option<(String, Vec<&str>)> = None;
    for line in markdown.split('\n') {
        match &mut block {
            None => {
                out.push(line.to_string());
                if let Some(fence) = fence_of(line) {
                    block = Some((fence, Vec::new()));
                }
            }
            Some((fence, lines)) => {
                if line.trim_end().starts_with(fence.as_str()) && line.trim() == line.trim_end() {
                    out.extend(dedent(lines));
                    out.push(line.to_string());
                    block = None;
                } else {
                    lines.push(line);
                }
            }
        }
    }
    if let Some((_, lines)) = block {
        // An unclosed block runs to the end of the page; it is code all the same.
        out.extend(dedent(&lines));
    }
    out.join("\n")
}

/// The fence (three or more backticks or tildes) a line opens at the left margin, if any.
fn fence_of(line: &str) -> Option<String> {
    let marker = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let fence: String = line.chars().take_while(|c| *c == marker).collect();
    (fence.len() >= 3).then_some(fence)
}

fn dedent(lines: &[&str]) -> Vec<String> {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").to_string())
        .collect()
}

/// The experiments of a recorded run, by the lines that open them: `== 3. Title (name) ==`.
pub fn recorded_sections(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| l.starts_with("== ") && l.ends_with(") =="))
        .filter_map(|l| {
            let name = l.rsplit_once('(')?.1.strip_suffix(") ==")?;
            Some(name.to_string())
        })
        .collect()
}

/// Why a recorded piece (`<experiment>.txt`) is not a piece of the recorded run, or `None`: it
/// must be whole lines of `output`, in the same run.
pub fn not_a_slice(piece: &str, output: &str) -> Option<String> {
    if piece.trim().is_empty() {
        return Some("it is empty".into());
    }
    let whole_lines = output
        .match_indices(piece)
        .any(|(at, _)| at == 0 || output[..at].ends_with('\n'));
    if whole_lines {
        None
    } else {
        Some("it is not a run of whole lines of output.txt: re-record with book/record.sh".into())
    }
}

/// How a chapter departs from `book/CONVENTIONS.md`: every experiment's recorded result
/// included (`recorded/<lesson>/<experiment>.txt`), the whole run only inside a collapsed
/// `<details class="full-log">`, and every recorded figure shown.
pub fn convention_problems(
    chapter: &str,
    package: &str,
    output: &str,
    figures: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let recorded = format!("recorded/{package}/");
    for name in recorded_sections(output) {
        let piece = format!("{recorded}{name}.txt");
        if !includes(chapter).iter().any(|i| i.path == piece) {
            problems.push(format!(
                "experiment '{name}': its result {piece} is not included"
            ));
        }
    }
    let log = format!("{recorded}output.txt");
    for (at, _) in chapter.match_indices(&log) {
        let before = &chapter[..at];
        let opened = before.rfind("<details class=\"full-log\">");
        let closed = before.rfind("</details>");
        if opened.is_none() || closed > opened {
            problems.push(format!(
                "{log} is shown outside a <details class=\"full-log\"> block"
            ));
        }
    }
    for figure in figures {
        if !chapter.contains(&format!("{recorded}{figure}")) {
            problems.push(format!(
                "figure {recorded}{figure} is recorded but not shown"
            ));
        }
    }
    problems
}

/// The body of an insta snapshot file (what follows its `---` header).
pub fn snapshot_body(snapshot: &str) -> &str {
    let mut parts = snapshot.splitn(3, "---\n");
    parts.next();
    parts.next();
    parts.next().unwrap_or(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_parsed_with_and_without_anchors() {
        let page = "a {{#include ../x.rs:gil}} b {{#include out.txt}} c {{#include y.rs:3:9}}";
        assert_eq!(
            includes(page),
            vec![
                Include {
                    path: "../x.rs".into(),
                    anchor: Some("gil".into())
                },
                Include {
                    path: "out.txt".into(),
                    anchor: None
                },
                Include {
                    path: "y.rs".into(),
                    anchor: None
                },
            ]
        );
    }

    #[test]
    fn a_missing_anchor_is_reported() {
        let dir = std::env::temp_dir().join(format!("anchors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a.rs"),
            "// ANCHOR: here\nx\n// ANCHOR_END: here\n",
        )
        .unwrap();
        let include = |anchor: &str| Include {
            path: "a.rs".into(),
            anchor: Some(anchor.into()),
        };
        assert_eq!(unresolved(&dir, &include("here")), None);
        assert!(
            unresolved(&dir, &include("there"))
                .unwrap()
                .contains("'there'")
        );
        assert!(
            unresolved(
                &dir,
                &Include {
                    path: "b.rs".into(),
                    anchor: None
                }
            )
            .is_some()
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn code_blocks_lose_their_common_indent_and_nothing_else_does() {
        let page = "text\n    indented prose\n```rust\n    fn a() {\n\n        b();\n    }\n```\n- list\n  ```\n    kept\n  ```";
        assert_eq!(
            dedent_code_blocks(page),
            "text\n    indented prose\n```rust\nfn a() {\n\n    b();\n}\n```\n- list\n  ```\n    kept\n  ```"
        );
    }

    #[test]
    fn a_piece_of_the_run_must_be_whole_lines_of_it() {
        let output = "Lesson\n\n== 1. A (a) ==\nx 1\n\n== 2. B (b) ==\ny 2\n";
        assert_eq!(recorded_sections(output), ["a", "b"]);
        assert_eq!(not_a_slice("== 1. A (a) ==\nx 1\n", output), None);
        assert!(not_a_slice("x 2\n", output).is_some());
        assert!(not_a_slice("1\n", output).is_some());
        assert!(not_a_slice("\n", output).is_some());
    }

    #[test]
    fn a_chapter_follows_the_conventions_or_is_told_what_is_missing() {
        let output = "L\n\n== 1. A (a) ==\nx\n\n== 2. B (b) ==\ny\n";
        let figures = vec!["a-timeline.svg".to_string()];
        let good = "## A\n```text\n{{#include recorded/l/a.txt}}\n```\n![t](recorded/l/a-timeline.svg)\n\
                    ## B\n```text\n{{#include recorded/l/b.txt}}\n```\n\
                    <details class=\"full-log\">\n<summary>run</summary>\n<script type=\"text/plain\">\n\
                    {{#include recorded/l/output.txt}}\n</script>\n</details>\n";
        assert_eq!(
            convention_problems(good, "l", output, &figures),
            Vec::<String>::new()
        );
        let dump = "## A\n```text\n{{#include recorded/l/output.txt}}\n```\n";
        let problems = convention_problems(dump, "l", output, &figures);
        assert_eq!(problems.len(), 4, "{problems:?}");
    }

    #[test]
    fn snapshot_bodies_skip_the_header() {
        assert_eq!(snapshot_body("---\nsource: x\n---\nbody\n"), "body\n");
    }
}
