//! The hostile submissions every contained exercise keeps in `tests/wrong/`, and what the check
//! must say to each: files that try to fool the judge (fake check marks, a panic hook that exits
//! 0, killing the judge) or to harm the machine (memory, threads, disk, a file outside its
//! folder, a process left behind, unsafe code before `main`). They test the kit's containment,
//! not the exercise, so their verdicts are the same everywhere but for the few figures in
//! [`Hostile`].

use std::path::PathBuf;

use super::{failed, not_told, section};

/// What differs between exercises in how their hostile submissions must be judged.
#[derive(Debug, Clone)]
pub struct Hostile<'a> {
    /// "lesson-01": `writes_outside_its_folder.rs` tries to write [`Hostile::escaped`].
    pub lesson: &'a str,
    /// The runner's memory limit in MiB, as the check names it (1024 for `Limits::default()`).
    pub memory_mib: u64,
    /// What `sleeps_forever.rs` must be told: the judge's words for an answer that never returns,
    /// e.g. "did not return within 10 s" (each exercise waits its own time, or says it its way).
    pub sleeps_forever: &'a str,
}

impl Hostile<'_> {
    /// The file `writes_outside_its_folder.rs` tries to write: `/tmp/lesson-NN-wrong-answer-escaped.txt`.
    pub fn escaped(&self) -> PathBuf {
        PathBuf::from(format!("/tmp/{}-wrong-answer-escaped.txt", self.lesson))
    }

    /// Before the check: an earlier run's escaped file is removed, so that finding it afterwards
    /// means this run let an answer write outside its folder.
    pub fn remove_escaped(&self) {
        let _ = std::fs::remove_file(self.escaped());
    }

    /// Each hostile file failed, with the words that name what it did.
    fn expected(&self) -> Vec<(&'static str, Vec<String>)> {
        let words = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        vec![
            ("aborts.rs", words(&["aborted (SIGABRT)"])),
            (
                "allocates_without_bound.rs",
                vec![format!("memory: more than {} MiB", self.memory_mib)],
            ),
            (
                "exits_early_with_fake_check_marks.rs",
                words(&["ended the program (exit code 0)"]),
            ),
            (
                "leaves_a_process_running.rs",
                words(&["left a process (sleep"]),
            ),
            (
                "panic_hook_exits_zero.rs",
                words(&["ended the program (exit code 0)"]),
            ),
            ("sleeps_forever.rs", words(&[self.sleeps_forever])),
            (
                "spawns_threads_without_bound.rs",
                words(&["(at most 64 allowed)"]),
            ),
            (
                "unsafe_code_before_main.rs",
                words(&["does not build", "forbid(unsafe_code)"]),
            ),
            ("writes_gigabytes.rs", words(&["a file larger than 64 MiB"])),
        ]
    }
}

/// Every hostile submission in `text` (the output of `check-exercise` over the exercise's
/// `tests/wrong/`) failed and was told what it did; nothing escaped its folder; and the compiler's
/// errors name the student's file, not the copy under the target folder. Panics naming each
/// submission judged otherwise, with its section of the output.
pub fn hostile_files_fail(text: &str, hostile: &Hostile) {
    let misjudged = misjudged(text, hostile);
    assert!(misjudged.is_empty(), "{}", misjudged.join("\n"));
}

/// What [`hostile_files_fail`] finds wrong, one message per finding.
fn misjudged(text: &str, hostile: &Hostile) -> Vec<String> {
    let expected = hostile.expected();
    let expected: Vec<(&str, &[String])> = (expected.iter())
        .map(|(file, reasons)| (*file, reasons.as_slice()))
        .collect();
    let mut wrong = not_told(text, &expected);
    // Killing the judge is refused where Landlock scopes signals (Linux 6.12); without it the
    // judge dies, and check-exercise counts that as failed.
    let file = "kills_the_parent.rs";
    if let Some(part) = failed(text, file, &mut wrong)
        && !part.contains("ended the program (exit code 0)")
        && !part.contains("did not finish")
    {
        wrong.push(format!(
            "{file}: expected \"ended the program (exit code 0)\" or \"did not finish\" in:\n{part}"
        ));
    }
    // Where Landlock is fully enforced, the write itself is refused.
    let file = "writes_outside_its_folder.rs";
    if let Some(part) = failed(text, file, &mut wrong)
        && part.contains("Landlock, fully enforced")
        && !part.contains("Permission denied")
    {
        wrong.push(format!(
            "{file}: expected \"Permission denied\" in:\n{part}"
        ));
    }
    let escaped = hostile.escaped();
    if escaped.exists() {
        let (part, _) = section(text, "writes_outside_its_folder.rs");
        wrong.push(format!("an answer wrote {}:\n{part}", escaped.display()));
    }
    // Compiler errors and panics name the student's file, not the copy under target/.
    if text.contains("exercise-submissions") {
        wrong.push(format!("the output names the copy under target/:\n{text}"));
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test has its own lesson name, so that their escaped files do not meet.
    fn hostile(lesson: &str) -> Hostile<'_> {
        Hostile {
            lesson,
            memory_mib: 1024,
            sleeps_forever: "did not return within 10 s",
        }
    }

    /// A made-up output of `check-exercise` over the hostile files, each told `words`.
    fn output(words: &[(&str, &str)]) -> String {
        let mut text = String::new();
        for (n, (file, said)) in words.iter().enumerate() {
            text += &format!("── [{}/{}] {file} ──\n  ✗ {said}\n", n + 1, words.len());
        }
        text += "\nSummary for lesson-00\n";
        for (file, _) in words {
            text += &format!("  {file}: failed\n");
        }
        text
    }

    /// What the kit tells each hostile file (the sandbox's words).
    fn as_judged() -> Vec<(&'static str, &'static str)> {
        vec![
            ("aborts.rs", "it aborted (SIGABRT)"),
            (
                "allocates_without_bound.rs",
                "memory: more than 1024 MiB asked for",
            ),
            (
                "exits_early_with_fake_check_marks.rs",
                "ended the program (exit code 0)",
            ),
            ("kills_the_parent.rs", "the check did not finish"),
            (
                "leaves_a_process_running.rs",
                "the answer left a process (sleep 1000)",
            ),
            (
                "panic_hook_exits_zero.rs",
                "ended the program (exit code 0)",
            ),
            ("sleeps_forever.rs", "the answer did not return within 10 s"),
            (
                "spawns_threads_without_bound.rs",
                "99 threads at once (at most 64 allowed)",
            ),
            (
                "unsafe_code_before_main.rs",
                "does not build: forbid(unsafe_code)",
            ),
            ("writes_gigabytes.rs", "a file larger than 64 MiB"),
            (
                "writes_outside_its_folder.rs",
                "(Landlock, fully enforced): Permission denied",
            ),
        ]
    }

    #[test]
    fn hostile_files_told_what_they_did_pass() {
        let hostile = hostile("lesson-00-told");
        hostile.remove_escaped();
        hostile_files_fail(&output(&as_judged()), &hostile);
    }

    #[test]
    fn a_wrong_reason_a_pass_and_an_escape_are_each_named() {
        let hostile = hostile("lesson-00-named");
        hostile.remove_escaped();
        let mut judged = as_judged();
        judged[6].1 = "the answer did not return within 15 s";
        judged[10].1 = "(Landlock, fully enforced): it wrote nothing";
        let found = misjudged(&output(&judged), &hostile);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("sleeps_forever.rs: expected \"did not return within 10 s\""));
        assert!(
            found[1].starts_with("writes_outside_its_folder.rs: expected \"Permission denied\"")
        );

        let passed = output(&as_judged()).replace("aborts.rs: failed", "aborts.rs: passed");
        let found = misjudged(&passed, &hostile);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("aborts.rs must fail:"));

        std::fs::write(hostile.escaped(), "written by a test").unwrap();
        let found = misjudged(&output(&as_judged()), &hostile);
        hostile.remove_escaped();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("an answer wrote /tmp/lesson-00-named-wrong-answer-escaped.txt")
        );
    }
}
