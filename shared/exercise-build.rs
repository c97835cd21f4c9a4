//! The build script of every exercise crate (`build = "../../../shared/exercise-build.rs"`).
//!
//! A teacher checks a student's file by naming it in EXERCISE_SUBMISSION (`check-exercise` does
//! this, with a copy whose path names its content, so a rebuild follows the content and never a
//! file's date). The build then compiles that file in place of the starter under
//! `cfg(submission)`: `exercise_answer!` includes it from EXERCISE_SUBMISSION_FILE, so compiler
//! errors name the file that was given.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(submission)");
    println!("cargo::rerun-if-env-changed=EXERCISE_SUBMISSION");
    let Ok(path) = std::env::var("EXERCISE_SUBMISSION") else {
        return;
    };
    println!("cargo::rerun-if-changed={path}");
    let name = std::path::Path::new(&path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    println!("cargo::rustc-env=EXERCISE_SUBMISSION_FILE={path}");
    println!("cargo::rustc-env=EXERCISE_SUBMISSION_NAME={name}");
    println!("cargo::rustc-cfg=submission");
}
