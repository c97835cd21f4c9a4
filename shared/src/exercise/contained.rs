//! The judge's loop around its checks: each check in a fresh [`Sandbox`], what the answer printed
//! quoted after the checklist, a failure put in words, and a hang remembered so that later checks
//! are not waited for again.
//!
//! A fresh runner per check means one fault fails one check, not the rest. A hang is different:
//! an answer that never returned once will, most likely, not return in the next check either, and
//! waiting the whole limit again for each check only delays the verdict.

use super::checklist::Checklist;
use super::sandbox::{Fault, Limits, Sandbox};

/// Marks a failure that only a busy machine explains: recorded as not judged, not as failed.
pub const BUSY: &str = "busy: ";
/// Lines of what the answer printed quoted per check: enough to recognise, not to flood.
const QUOTED_LINES: usize = 5;

/// How a check ended when it did not hold.
#[derive(Debug)]
pub enum Judged {
    /// The answer returned something wrong.
    Wrong(String),
    /// Wrong, and the answer never returned: later checks would only wait for it again.
    Stuck(String),
    /// Too slow, and only a busy machine explains it: the check is not judged.
    Busy(String),
    /// The runner saw the answer misbehave (see [`Fault`]).
    Fault(Fault),
}

impl std::fmt::Display for Judged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Judged::Wrong(why) | Judged::Stuck(why) | Judged::Busy(why) => f.write_str(why),
            Judged::Fault(fault) => write!(f, "{fault}"),
        }
    }
}

/// Runs a judge's checks, each in a fresh contained runner, and keeps what they showed.
#[derive(Debug)]
pub struct Contained {
    /// What protects the files, as the latest runner reported it.
    pub files: String,
    /// Lines after the checklist: what the answer printed, quoted.
    pub notes: String,
    /// Set once the answer never returned: later checks are not waited for again.
    stopped: Option<String>,
}

impl Default for Contained {
    fn default() -> Contained {
        Contained {
            files: "not started".to_string(),
            notes: String::new(),
            stopped: None,
        }
    }
}

impl Contained {
    pub fn new() -> Contained {
        Contained::default()
    }

    /// Runs one check in a fresh runner and puts its failure in words: `Ok(what held)` or
    /// `Err(what is wrong)`, [`BUSY`]-prefixed when only a busy machine explains it.
    pub fn check(
        &mut self,
        name: &str,
        limits: Limits,
        check: impl FnOnce(&mut Sandbox) -> Result<String, Judged>,
    ) -> Result<String, String> {
        let result = self.run(name, limits, check)?;
        self.verdict(name, result)
    }

    /// Runs `check` in a fresh runner and quotes what the answer printed meanwhile; `Err` when
    /// it was not run: an earlier check stopped the judge, or the runner could not start. For a
    /// judge with its own words for failures (then [`Contained::stop`] marks a hang).
    pub fn run<R>(
        &mut self,
        name: &str,
        limits: Limits,
        check: impl FnOnce(&mut Sandbox) -> R,
    ) -> Result<R, String> {
        if let Some(earlier) = &self.stopped {
            return Err(format!("not run: {earlier}"));
        }
        let mut sandbox = Sandbox::start(limits).map_err(|f| f.to_string())?;
        self.files = sandbox.files.clone();
        let result = check(&mut sandbox);
        let printed = sandbox.printed();
        // Everything the answer started is killed before the next check starts its own.
        drop(sandbox);
        self.quote(name, &printed);
        Ok(result)
    }

    /// Later checks are not run, and say why: `why` (e.g. `in "check", the answer never returned`).
    pub fn stop(&mut self, why: String) {
        self.stopped = Some(why);
    }

    /// A check's result in words; a hang stops later checks.
    pub fn verdict(
        &mut self,
        name: &str,
        result: Result<String, Judged>,
    ) -> Result<String, String> {
        result.map_err(|judged| match judged {
            Judged::Wrong(why) => why,
            Judged::Busy(why) => format!("{BUSY}{why}"),
            Judged::Stuck(why) => {
                self.stop(format!("in \"{name}\", the answer never returned"));
                why
            }
            Judged::Fault(fault) => {
                if let Fault::NoReply(_) = fault {
                    self.stop(format!("in \"{name}\", {fault}"));
                }
                fault.to_string()
            }
        })
    }

    /// Quotes the first lines the answer printed during check `name`, if any.
    fn quote(&mut self, name: &str, printed: &str) {
        if printed.trim().is_empty() {
            return;
        }
        self.notes += &format!("During \"{name}\" the answer printed (not the check's output):\n");
        for line in printed.lines().take(QUOTED_LINES) {
            self.notes += &format!("  | {line}\n");
        }
    }
}

impl Checklist {
    /// Records a check's result; a [`BUSY`]-prefixed failure as not judged.
    pub fn record_unless_busy(&mut self, name: &str, result: Result<String, String>) {
        match result {
            Err(busy) if busy.starts_with(BUSY) => self.not_judged(name, &busy[BUSY.len()..]),
            result => self.record(name, result),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_hang_stops_later_checks_and_says_where() {
        let mut judge = Contained::new();
        let hang = Judged::Fault(Fault::NoReply(Duration::from_secs(4)));
        let why = judge.verdict("first", Err(hang)).unwrap_err();
        assert!(why.contains("did not return within 4 s"), "{why}");
        // Not started: a stopped judge refuses before it starts a runner.
        let later = judge.run("second", Limits::default(), |_| ()).unwrap_err();
        assert_eq!(later, format!("not run: in \"first\", {why}"));
    }

    #[test]
    fn stuck_stops_later_checks_in_its_own_words() {
        let mut judge = Contained::new();
        let why = judge.verdict("first", Err(Judged::Stuck("it waits".into())));
        assert_eq!(why, Err("it waits".to_string()));
        let later = judge.run("second", Limits::default(), |_| ()).unwrap_err();
        assert_eq!(later, "not run: in \"first\", the answer never returned");
    }

    #[test]
    fn other_failures_do_not_stop_the_judge() {
        let mut judge = Contained::new();
        let wrong = judge.verdict("a", Err(Judged::Wrong("off by one".into())));
        assert_eq!(wrong, Err("off by one".to_string()));
        let exited = judge.verdict("b", Err(Judged::Fault(Fault::Exited(2))));
        assert!(exited.unwrap_err().contains("exit code 2"));
        assert_eq!(
            judge.verdict("c", Ok("held".into())),
            Ok("held".to_string())
        );
        assert!(judge.stopped.is_none());
    }

    #[test]
    fn busy_is_recorded_as_not_judged() {
        let mut judge = Contained::new();
        let busy = judge.verdict("speed", Err(Judged::Busy("2 of 2 cores taken".into())));
        let mut checklist = Checklist::new();
        checklist.record_unless_busy("speed", busy);
        checklist.record_unless_busy("counts", Err("wrong".into()));
        assert!(!checklist.outcomes[0].judged);
        assert!(
            checklist.outcomes[0]
                .result
                .as_ref()
                .unwrap()
                .contains("2 of 2 cores taken")
        );
        assert!(checklist.outcomes[1].judged && checklist.outcomes[1].result.is_err());
    }

    #[test]
    fn quotes_at_most_five_lines_and_nothing_for_silence() {
        let mut judge = Contained::new();
        judge.quote("quiet", " \n");
        assert_eq!(judge.notes, "");
        let printed: String = (1..=8).map(|n| format!("line {n}\n")).collect();
        judge.quote("loud", &printed);
        assert!(
            judge
                .notes
                .starts_with("During \"loud\" the answer printed")
        );
        assert!(judge.notes.contains("  | line 5\n") && !judge.notes.contains("line 6"));
    }
}
