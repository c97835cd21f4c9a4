//! The build script of every exercise crate (`build = "../../../shared/exercise-build.rs"`).
//!
//! A teacher checks a student's copy of `src/exercise.rs` by naming it in EXERCISE_SUBMISSION
//! (`check-exercise` does this); the build then compiles that file in place of the starter, and
//! the crate's `lib.rs` picks it up under `cfg(submission)`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(submission)");
    println!("cargo::rerun-if-env-changed=EXERCISE_SUBMISSION");
    let Ok(path) = std::env::var("EXERCISE_SUBMISSION") else {
        return;
    };
    println!("cargo::rerun-if-changed={path}");
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the submission {path}: {e}"));
    // The file is `include!`d into a module, where inner doc comments are not allowed.
    let source: String = source
        .lines()
        .map(|line| line.replacen("//!", "//", 1) + "\n")
        .collect();
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("submission.rs"), source).expect("OUT_DIR is writable");
    println!("cargo::rustc-cfg=submission");
}
