//! Helpers for an exercise's own tests that run its check exactly as a teacher does, through
//! `check-exercise`, and read what it printed about each submission.
//!
//! Such a test builds the exercise once per submission (about two dozen builds and checks, one to
//! three minutes), so it is `#[ignore]`d (a workspace test insists): `cargo test --workspace`
//! stays quick, and CI runs it once, with `cargo test -p lesson-NN-exercise --test check_works
//! -- --include-ignored` (see `.ci/run`). An exercise's test:
//!
//! ```ignore
//! #[test]
//! #[ignore = "builds every submission (minutes): CI runs it, or `-- --ignored`"]
//! fn every_wrong_answer_fails_and_every_right_one_passes() {
//!     let (code, text) = check_exercise("lesson-03", &here(), &class_files(&here()));
//!     both_ways(&text, &here());
//!     wrong_answers_told(&text, &[("drops_the_last_item.rs", &["999 results came out"])]);
//! }
//! ```
//!
//! An exercise whose answer runs contained also keeps the kit's hostile files in `tests/wrong/`;
//! their verdicts are checked once for all ([`hostile`]), and so is what a check left running
//! ([`leftovers`]):
//!
//! ```ignore
//! let hostile = Hostile { lesson: "lesson-03", memory_mib: 1024, sleeps_forever: "took no item" };
//! hostile.remove_escaped();
//! let leftovers = Leftovers::before_check("lesson-03");
//! let (code, text) = check_exercise("lesson-03", &here(), &class_files(&here()));
//! hostile_files_fail(&text, &hostile);
//! leftovers.assert_none_left();
//! ```

pub mod hostile;
pub mod leftovers;

use std::path::{Path, PathBuf};
use std::process::Command;

pub use hostile::{Hostile, hostile_files_fail};

pub use leftovers::Leftovers;

/// Runs `check-exercise LESSON FILES...` from `dir` as a teacher would; its exit code and
/// output (stdout, then stderr).
pub fn check_exercise(lesson: &str, dir: &Path, files: &[PathBuf]) -> (Option<i32>, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "-p",
            "lesson-kit",
            "--bin",
            "check-exercise",
            "--",
        ])
        .arg(lesson)
        .args(files)
        .current_dir(dir)
        .output()
        .expect("cargo runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), text)
}

/// The part of the output about one submission, and its line in the summary.
pub fn section<'a>(text: &'a str, file: &str) -> (&'a str, &'a str) {
    let start = text
        .find(&format!("{file} ──"))
        .unwrap_or_else(|| panic!("no section for {file} in:\n{text}"));
    let rest = &text[start..];
    let end = rest[1..].find("── [").map(|e| e + 1).unwrap_or(rest.len());
    let end = end.min(rest.find("\nSummary for").unwrap_or(rest.len()));
    let summary = text
        .lines()
        .find(|l| l.starts_with(&format!("  {file}: ")))
        .unwrap_or_else(|| panic!("{file} not in the summary:\n{text}"));
    (&rest[..end], summary)
}

/// Every answer of an exercise, in the order a test checks them: the starter `src/exercise.rs`,
/// the model solution `src/solution.rs`, then `tests/wrong/*.rs` and `tests/right/*.rs`, sorted.
pub fn class_files(exercise: &Path) -> Vec<PathBuf> {
    let mut files = vec![
        exercise.join("src/exercise.rs"),
        exercise.join("src/solution.rs"),
    ];
    for folder in ["tests/wrong", "tests/right"] {
        files.extend(rust_files(&exercise.join(folder)));
    }
    files
}

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The check works both ways, as the summary of `check-exercise` over [`class_files`] says: the
/// starter and every file in `tests/wrong/` failed; the model solution and every file in
/// `tests/right/` passed, or were correct while the busy machine could not judge their speed.
/// Panics naming each submission judged the wrong way, with its section of the output.
pub fn both_ways(text: &str, exercise: &Path) {
    both_ways_but_speed(text, exercise, &[]);
}

/// [`both_ways`], where the wrong answers named in `wrong_only_by_speed` are wrong only in their
/// speed: on a machine too busy to judge speed they may be "speed not judged" instead of failed.
pub fn both_ways_but_speed(text: &str, exercise: &Path, wrong_only_by_speed: &[&str]) {
    let name = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string()
    };
    let mut wrong: Vec<String> = rust_files(&exercise.join("tests/wrong"))
        .iter()
        .map(|p| name(p))
        .collect();
    wrong.push("exercise.rs".to_string());
    let mut right: Vec<String> = rust_files(&exercise.join("tests/right"))
        .iter()
        .map(|p| name(p))
        .collect();
    right.push("solution.rs".to_string());
    let mut misjudged = Vec::new();
    for file in &wrong {
        let (part, summary) = section(text, file);
        let busy =
            wrong_only_by_speed.contains(&file.as_str()) && summary.contains("speed not judged");
        if !summary.contains(": failed") && !busy {
            misjudged.push(format!("{file} must fail:\n{part}"));
        }
    }
    for file in &right {
        let (part, summary) = section(text, file);
        if !(summary.ends_with(": passed") || summary.contains("speed not judged")) {
            misjudged.push(format!("{file} must pass:\n{part}"));
        }
    }
    assert!(misjudged.is_empty(), "{}", misjudged.join("\n"));
}

/// Each wrong answer in `expected` failed, and its section of `text` holds each of its reasons:
/// the words that name what it did. Panics naming each one judged otherwise.
pub fn wrong_answers_told(text: &str, expected: &[(&str, &[&str])]) {
    let misjudged = not_told(text, expected);
    assert!(misjudged.is_empty(), "{}", misjudged.join("\n"));
}

/// What [`wrong_answers_told`] finds wrong, one message per finding.
fn not_told<R: AsRef<str>>(text: &str, expected: &[(&str, &[R])]) -> Vec<String> {
    let mut misjudged = Vec::new();
    for (file, reasons) in expected {
        if let Some(part) = failed(text, file, &mut misjudged) {
            for reason in reasons.iter().map(|r| r.as_ref()) {
                if !part.contains(reason) {
                    misjudged.push(format!("{file}: expected {reason:?} in:\n{part}"));
                }
            }
        }
    }
    misjudged
}

/// `file`'s section of `text` if its summary line says it failed ("failed", or "failed: does not
/// build"); otherwise `None`, and why in `misjudged`.
fn failed<'t>(text: &'t str, file: &str, misjudged: &mut Vec<String>) -> Option<&'t str> {
    let (part, summary) = section(text, file);
    if summary.contains(": failed") {
        return Some(part);
    }
    misjudged.push(format!("{file} must fail:\n{part}"));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_ends_where_the_next_submission_or_the_summary_begins() {
        let text = "── [1/2] a.rs ──\n  ✓ fine\n── [2/2] b.rs ──\n  ✗ wrong\n\nSummary for lesson-01\n  \
                    a.rs: passed\n  b.rs: failed\n";
        let (part, summary) = section(text, "b.rs");
        assert!(part.contains("✗ wrong") && !part.contains("Summary"));
        assert_eq!(summary, "  b.rs: failed");
        let (part, summary) = section(text, "a.rs");
        assert!(part.contains("✓ fine") && !part.contains("✗ wrong"));
        assert_eq!(summary, "  a.rs: passed");
    }

    #[test]
    fn a_wrong_answer_told_something_else_or_passed_is_named() {
        let text = "── [1/2] a.rs ──\n  ✗ lost 3 updates\n── [2/2] b.rs ──\n  ✓ fine\n\nSummary for \
                    lesson-01\n  a.rs: failed\n  b.rs: passed\n";
        wrong_answers_told(text, &[("a.rs", &["lost", "3 updates"])]);
        let found = not_told(text, &[("a.rs", &["lost 4"]), ("b.rs", &["fine"])]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("a.rs: expected \"lost 4\" in:"));
        assert!(found[1].starts_with("b.rs must fail:"));
    }

    #[test]
    fn both_ways_names_a_wrong_answer_that_passed() {
        let dir = std::env::temp_dir().join(format!("testing-both-ways-{}", std::process::id()));
        for folder in ["tests/wrong", "tests/right"] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        std::fs::write(dir.join("tests/wrong/sloppy.rs"), "").unwrap();
        assert_eq!(class_files(&dir).len(), 3);
        let judged = |sloppy: &str| {
            format!(
                "── [1/3] exercise.rs ──\n── [2/3] solution.rs ──\n── [3/3] sloppy.rs ──\n\n\
                 Summary for lesson-01\n  exercise.rs: failed\n  solution.rs: correct; speed not \
                 judged (machine busy: run again)\n  sloppy.rs: {sloppy}\n"
            )
        };
        both_ways(&judged("failed: does not build"), &dir);
        let caught = std::panic::catch_unwind(|| both_ways(&judged("passed"), &dir));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(caught.is_err(), "a wrong answer that passed must be named");
    }
}
