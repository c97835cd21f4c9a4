//! Checks a class's work on an exercise with one command:
//!
//! ```text
//! cargo run -p lesson-kit --bin check-exercise -- lesson-01 submissions/
//! ```
//!
//! Each submission is a copy of the exercise's `src/exercise.rs` as a student edited it (a file, or
//! a folder of such files). Each is built in turn (a rebuild follows the file's content, never its
//! date) and its check run; the summary lists who passed, who failed, and whose speed the busy
//! machine could not judge. Exit code: 0 when every submission passed, 1 when any failed or did
//! not build, 3 when none failed but some speed was not judged, 2 for bad usage.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lesson_kit::cli::usage_error;
use lesson_kit::exercise::submission::{Prepared, prepare};
use lesson_kit::exercise::{SUBMISSION_ENV, Verdict};

/// No single check may take longer than this, whatever the submission does.
const CHECK_LIMIT: Duration = Duration::from_secs(300);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the kit lives in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
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
    Ok(files)
}

/// Prints "still building (20 s)" every 10 s until dropped, so a long build is never silence.
struct Progress {
    done: Arc<AtomicBool>,
}

impl Progress {
    fn start(what: &'static str, file: String) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            loop {
                for _ in 0..100 {
                    std::thread::sleep(Duration::from_millis(100));
                    if flag.load(Ordering::Relaxed) {
                        return;
                    }
                }
                eprintln!(
                    "  … still {what} {file} ({} s)",
                    started.elapsed().as_secs()
                );
            }
        });
        Progress { done }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// What became of one submission.
#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Passed,
    Failed,
    Busy,
    DoesNotBuild,
}

/// Builds the exercise with `submission` in place of the starter; the program's path, or the
/// compiler's errors in full, naming the student's file.
fn build(cargo: &str, package: &str, submission: &Prepared) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ])
        .args(["-p", package])
        .env(SUBMISSION_ENV, &submission.copy)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let errors = String::from_utf8_lossy(&output.stderr).replace(
        &*submission.copy.to_string_lossy(),
        &submission.original.to_string_lossy(),
    );
    if !output.status.success() {
        return Err(errors);
    }
    let program = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["target"]["name"] == package)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from));
    program.ok_or_else(|| format!("the build of {package} made no program"))
}

/// Runs the built check, relaying its checklist; the verdict from its exit code alone.
fn run_check(program: &Path, submission: &Prepared) -> Outcome {
    let (copy, original) = (
        submission.copy.to_string_lossy().to_string(),
        submission.original.to_string_lossy().to_string(),
    );
    let started = Instant::now();
    let Ok(mut child) = Command::new(program)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        println!("  the check could not be started");
        return Outcome::Failed;
    };
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let relay = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("  {}", line.replace(&copy, &original));
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            text += &format!("  {line}\n");
        }
        text
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < CHECK_LIMIT => {
                std::thread::sleep(Duration::from_millis(20))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = relay.join();
    let errors = errors.join().unwrap_or_default();
    match status.and_then(|s| Verdict::from_exit_code(s.code())) {
        Some(Verdict::Passed) => Outcome::Passed,
        Some(Verdict::Failed) => Outcome::Failed,
        Some(Verdict::Busy) => Outcome::Busy,
        None => {
            let how = match status {
                None => format!("it ran longer than {} s", CHECK_LIMIT.as_secs()),
                Some(s) => match (s.code(), s.signal()) {
                    (Some(code), _) => format!("it ended with exit code {code}"),
                    (_, Some(signal)) => format!("it was killed by signal {signal}"),
                    _ => "it ended oddly".to_string(),
                },
            };
            println!("  ✗ the check itself did not finish ({how}): counted as failed");
            print!("{errors}");
            Outcome::Failed
        }
    }
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
    let store = target_dir().join("exercise-submissions").join(&package);
    let mut summary = Vec::new();
    for (n, file) in files.iter().enumerate() {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        println!("── [{}/{}] {} ──", n + 1, files.len(), file.display());
        let prepared = prepare(file, &store)
            .unwrap_or_else(|e| usage_error(&format!("cannot read '{}': {e}", file.display())));
        let started = Instant::now();
        let built = {
            let _progress = Progress::start("building", name.clone());
            build(&cargo, &package, &prepared)
        };
        let build_time = started.elapsed();
        let result = match built {
            Err(errors) => {
                println!(
                    "  ✗ {name} does not build ({:.1} s); the compiler says:",
                    build_time.as_secs_f64()
                );
                for line in errors.lines() {
                    println!("  {line}");
                }
                Outcome::DoesNotBuild
            }
            Ok(program) => {
                println!("  built in {:.1} s; checking…", build_time.as_secs_f64());
                let started = Instant::now();
                let result = {
                    let _progress = Progress::start("checking", name.clone());
                    run_check(&program, &prepared)
                };
                println!("  checked in {:.1} s", started.elapsed().as_secs_f64());
                result
            }
        };
        summary.push((name, result));
    }
    println!("\nSummary for {package}:");
    let words = |r: Outcome| match r {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Busy => "correct; speed not judged (machine busy: run again)",
        Outcome::DoesNotBuild => "failed: does not build",
    };
    for (name, result) in &summary {
        println!("  {name}: {}", words(*result));
    }
    let count = |r: &[Outcome]| summary.iter().filter(|(_, s)| r.contains(s)).count();
    let (passed, failed, busy) = (
        count(&[Outcome::Passed]),
        count(&[Outcome::Failed, Outcome::DoesNotBuild]),
        count(&[Outcome::Busy]),
    );
    println!("{passed} passed, {failed} failed, {busy} not judged (machine busy)");
    std::process::exit(if failed > 0 {
        1
    } else if busy > 0 {
        3
    } else {
        0
    });
}
