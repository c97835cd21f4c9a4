//! Nothing an exercise's check started may outlive it: no answer runner, no process an answer
//! started, no `sleep 1000` of `leaves_a_process_running.rs`. Found through `/proc`.
//!
//! Other checks may run on the same machine meanwhile (other lessons, other worktrees, CI's
//! steps), so only what this run could have left counts: what was not there before the check,
//! and is still there a moment after it, of this exercise.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::exercise::protocol::RUNNER_ENV;

/// How long a process new since the check may take to end before it counts as left behind:
/// another check's runner ends within it.
const SETTLE: Duration = Duration::from_secs(3);

/// What was running before an exercise's check, to tell what the check left behind.
#[derive(Debug)]
pub struct Leftovers {
    lesson: String,
    before: BTreeSet<String>,
}

impl Leftovers {
    /// Notes what runs now, before the check of `lesson` ("lesson-03") starts.
    pub fn before_check(lesson: &str) -> Leftovers {
        Leftovers {
            lesson: lesson.to_string(),
            before: alive(lesson),
        }
    }

    /// What the check left running: processes of this lesson new since
    /// [`Leftovers::before_check`] and still there [`SETTLE`] later, as "pid: command line".
    pub fn left(&self) -> Vec<String> {
        let new: BTreeSet<String> = alive(&self.lesson)
            .difference(&self.before)
            .cloned()
            .collect();
        if new.is_empty() {
            return Vec::new();
        }
        std::thread::sleep(SETTLE);
        alive(&self.lesson).intersection(&new).cloned().collect()
    }

    /// Panics naming what the check left running, if anything.
    pub fn assert_none_left(&self) {
        let left = self.left();
        assert!(left.is_empty(), "left running: {left:?}");
    }
}

/// Processes of `lesson`'s checks alive now, as "pid: command line" (see [`counts`]).
fn alive(lesson: &str) -> BTreeSet<String> {
    let mut alive = BTreeSet::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let read = |name: &str| std::fs::read(entry.path().join(name)).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&read("cmdline")).replace('\0', " ");
        let in_runner = String::from_utf8_lossy(&read("environ")).contains(RUNNER_ENV);
        let exe = std::fs::read_link(entry.path().join("exe")).unwrap_or_default();
        if counts(lesson, &cmdline, in_runner, &exe.to_string_lossy()) {
            alive.insert(format!("{:?}: {cmdline}", entry.file_name()));
        }
    }
    alive
}

/// Whether a process belongs to `lesson`'s checks: any `sleep 1000` (the hostile file's
/// leftover, wherever it ended up); a process with the runner's variable (`in_runner`) whose
/// program is this lesson's (runners are built under the lesson's name), or no lesson's (a
/// program an answer started inherits the variable). Another lesson's runner is another check's.
fn counts(lesson: &str, cmdline: &str, in_runner: bool, exe: &str) -> bool {
    let ours = exe.contains(lesson) || !exe.contains("lesson-");
    cmdline.starts_with("sleep 1000") || (in_runner && ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_lessons_runners_what_answers_started_and_sleep_1000_count() {
        let runner =
            "/work/targets/exercise-submissions/lesson-03-exercise/ab12/lesson-03-exercise";
        assert!(counts("lesson-03", runner, true, runner));
        assert!(counts("lesson-03", "sh -c true", true, "/usr/bin/dash"));
        assert!(counts("lesson-03", "sleep 1000", false, "/usr/bin/sleep"));
        let other = runner.replace("lesson-03", "lesson-05");
        assert!(!counts("lesson-03", &other, true, &other));
        assert!(!counts("lesson-03", "sleep 1", false, "/usr/bin/sleep"));
        assert!(!counts("lesson-03", runner, false, runner));
    }
}
