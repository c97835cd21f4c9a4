//! What the workspace checks read: the lessons, the book's pages and their includes.

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
    fn snapshot_bodies_skip_the_header() {
        assert_eq!(snapshot_body("---\nsource: x\n---\nbody\n"), "body\n");
    }
}
