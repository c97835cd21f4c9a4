//! A student's file, prepared for building: stored under a name made from its content.
//!
//! Cargo decides whether to rebuild from modification times, and unzip, `cp -p` or `rsync -a` give
//! a new file an old time: the next student's file at the same path would be checked as the
//! previous student's build. So the build never sees the student's path. It sees
//! `STORE/<hash of the content>/<student's file name>`, and the build script reruns whenever that
//! path changes, that is, whenever the content does.

use std::path::{Path, PathBuf};

/// A submission ready to build.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The student's own file, as the teacher named it.
    pub original: PathBuf,
    /// The copy the build compiles (its path names the content).
    pub copy: PathBuf,
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The text the build includes: the student's lines, one for one (so the compiler's line numbers
/// are the student's), with inner doc comments made plain, as a module included with `include!`
/// cannot have them.
pub fn buildable(source: &str) -> String {
    source
        .lines()
        .map(|line| line.replacen("//!", "// ", 1) + "\n")
        .collect()
}

/// Copies `original` into `store` under its content's name (once: an existing copy is reused).
pub fn prepare(original: &Path, store: &Path) -> std::io::Result<Prepared> {
    let source = std::fs::read_to_string(original)?;
    let text = buildable(&source);
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "submission.rs".to_string());
    let folder = store.join(format!("{:016x}", content_hash(text.as_bytes())));
    let copy = folder.join(name);
    if std::fs::read_to_string(&copy).ok().as_deref() != Some(text.as_str()) {
        std::fs::create_dir_all(&folder)?;
        std::fs::write(&copy, &text)?;
    }
    Ok(Prepared {
        original: original.to_path_buf(),
        copy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_is_named_by_content_not_by_date() {
        let dir = std::env::temp_dir().join(format!("submission-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("alice.rs");
        std::fs::write(&file, "//! first\nfn a() {}\n").unwrap();
        let first = prepare(&file, &dir.join("store")).unwrap();
        std::fs::write(&file, "fn b() {}\n").unwrap();
        let second = prepare(&file, &dir.join("store")).unwrap();
        assert_ne!(first.copy, second.copy);
        assert_eq!(first.copy.file_name().unwrap(), "alice.rs");
        assert_eq!(
            std::fs::read_to_string(&first.copy).unwrap(),
            "//  first\nfn a() {}\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
