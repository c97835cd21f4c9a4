//! Helpers for an exercise's own tests that run its check exactly as a teacher does, through
//! `check-exercise`, and read what it printed about each submission.

use std::path::{Path, PathBuf};
use std::process::Command;

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
}
