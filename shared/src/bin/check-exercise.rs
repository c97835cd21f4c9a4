//! Checks a class's work on an exercise with one command:
//!
//! ```text
//! cargo run -p lesson-kit --bin check-exercise -- lesson-01 submissions/
//! ```
//!
//! Each submission is a copy of the exercise's `src/exercise.rs` as a student edited it (a file, or
//! a folder of such files). Each one is built into the exercise's check in turn and its checklist
//! printed; the summary lists who passed. Exit code: 0 when every submission passed, 1 otherwise,
//! 2 for bad usage.

use std::path::{Path, PathBuf};
use std::process::Command;

use lesson_kit::cli::usage_error;
use lesson_kit::exercise::SUBMISSION_ENV;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the kit lives in the workspace")
        .to_path_buf()
}

/// `lesson-01` -> `lesson-01-exercise`, if `lessons/01-*/exercise` exists.
fn exercise_package(name: &str) -> Result<String, String> {
    let number = name
        .trim_start_matches("lesson-")
        .split('-')
        .next()
        .unwrap_or("");
    let mut known = Vec::new();
    for entry in std::fs::read_dir(workspace_root().join("lessons"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.path().join("exercise/Cargo.toml").exists() {
            let dir = entry.file_name().to_string_lossy().to_string();
            let lesson = format!("lesson-{}", dir.split('-').next().unwrap_or(""));
            if dir.starts_with(number) && !number.is_empty() {
                return Ok(format!("{lesson}-exercise"));
            }
            known.push(lesson);
        }
    }
    known.sort();
    Err(format!(
        "unknown exercise '{name}'; allowed: {}",
        known.join(", ")
    ))
}

fn submissions(paths: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths.iter().map(PathBuf::from) {
        if path.is_dir() {
            let mut in_dir: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| format!("cannot read folder '{}': {e}", path.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect();
            in_dir.sort();
            files.extend(in_dir);
        } else if path.is_file() {
            files.push(path);
        } else {
            return Err(format!(
                "no such submission '{}'; give .rs files or folders of them",
                path.display()
            ));
        }
    }
    if files.is_empty() {
        return Err("no submissions found; give .rs files or folders of them".to_string());
    }
    files
        .iter()
        .map(|f| {
            f.canonicalize()
                .map_err(|e| format!("'{}': {e}", f.display()))
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        println!("usage: check-exercise <lesson-NN> <submission.rs | folder>...");
        println!("Builds each submission into the lesson's exercise check and reports who passed.");
        return;
    }
    let package = exercise_package(&args[0]).unwrap_or_else(|e| usage_error(&e));
    let files = submissions(&args[1..]).unwrap_or_else(|e| usage_error(&e));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut summary = Vec::new();
    for file in &files {
        println!("── {} ──", file.display());
        let output = Command::new(&cargo)
            .args(["run", "--quiet", "-p", &package])
            .env(SUBMISSION_ENV, file)
            .current_dir(workspace_root())
            .output()
            .unwrap_or_else(|e| usage_error(&format!("cannot run cargo: {e}")));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let verdict = match output.status.code() {
            Some(0) => "passed",
            Some(1) if !stdout.is_empty() => "failed",
            _ => "does not build or crashed",
        };
        print!("{stdout}");
        if verdict == "does not build or crashed" {
            // The compiler's own message is the most useful thing to show here.
            for line in String::from_utf8_lossy(&output.stderr).lines().take(30) {
                println!("  {line}");
            }
        }
        summary.push((
            file.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string(),
            verdict,
        ));
    }
    println!("\nSummary for {package}:");
    for (name, verdict) in &summary {
        println!("  {name}: {verdict}");
    }
    let passed = summary.iter().filter(|(_, v)| *v == "passed").count();
    println!("{passed} passed, {} failed", summary.len() - passed);
    std::process::exit(if passed == summary.len() { 0 } else { 1 });
}
