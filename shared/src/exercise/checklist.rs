//! The checklist: one line per check, `✓` or `✗` and why, and the verdict.
//!
//! A check is a closure that returns `Ok(what held)` or `Err(what is wrong)`. [`Checklist::check`]
//! runs it in this process, on its own thread with a time limit (the older, in-process checks);
//! [`Checklist::record`] records a check that ran the answer contained (see `sandbox`).

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use super::Verdict;

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub result: Result<String, String>,
    /// False when a speed check could not be judged because the machine was busy.
    pub judged: bool,
}

/// A list of checks with their outcomes.
#[derive(Debug, Default)]
pub struct Checklist {
    pub outcomes: Vec<Outcome>,
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

fn capture_panic_message(info: &std::panic::PanicHookInfo<'_>) {
    *PANIC_MESSAGE.lock().unwrap_or_else(|p| p.into_inner()) =
        Some(crate::panics::message_with_location(info));
}

impl Checklist {
    pub fn new() -> Checklist {
        Checklist::default()
    }

    /// Runs one check, giving up after `limit` (the thread is left behind and dies with the process).
    pub fn check(
        &mut self,
        name: &str,
        limit: Duration,
        check: impl FnOnce() -> Result<String, String> + Send + 'static,
    ) {
        // While the check runs, a panic in the answer is captured for the checklist instead of
        // printed; the previous hook (a test harness's, say) is back in place afterwards.
        let previous_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(capture_panic_message));
        let (done, outcome) = mpsc::channel();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
            let _ = done.send(result);
        });
        let received = outcome.recv_timeout(limit);
        std::panic::set_hook(previous_hook);
        let result = match received {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => {
                let message = PANIC_MESSAGE
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take();
                let message = message.unwrap_or_else(|| "a panic".to_string());
                if message.contains("not yet implemented") {
                    Err(format!(
                        "not done yet: the code still reaches todo!() ({message})"
                    ))
                } else {
                    Err(format!("the answer panicked: {message}"))
                }
            }
            Err(_) => Err(format!(
                "did not finish within {} s: a deadlock, or a thread that never ends?",
                limit.as_secs()
            )),
        };
        self.record(name, result);
    }

    /// Records the outcome of a check that ran elsewhere (a contained answer runner).
    pub fn record(&mut self, name: &str, result: Result<String, String>) {
        self.outcomes.push(Outcome {
            name: name.to_string(),
            result,
            judged: true,
        });
    }

    /// Records a speed check that could not be judged: the machine was busy.
    pub fn not_judged(&mut self, name: &str, why: &str) {
        self.outcomes.push(Outcome {
            name: name.to_string(),
            result: Ok(format!(
                "the machine was busy: speed not judged, run again ({why})"
            )),
            judged: false,
        });
    }

    /// Every check held (a speed check the busy machine could not judge counts as held).
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.result.is_ok())
    }

    /// Failed if any check failed; otherwise not judged if the machine was too busy for one.
    pub fn verdict(&self) -> Verdict {
        if !self.passed() {
            Verdict::Failed
        } else if self.outcomes.iter().any(|o| !o.judged) {
            Verdict::Busy
        } else {
            Verdict::Passed
        }
    }

    /// `✓ name: what held` or `✗ name: what is wrong`, one line per check, and a closing line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for outcome in &self.outcomes {
            match &outcome.result {
                Ok(text) if !outcome.judged => out += &format!("? {}: {text}\n", outcome.name),
                Ok(text) => out += &format!("✓ {}: {text}\n", outcome.name),
                Err(text) => out += &format!("✗ {}: {text}\n", outcome.name),
            }
        }
        let failed = self.outcomes.iter().filter(|o| o.result.is_err()).count();
        let unjudged = self.outcomes.iter().filter(|o| !o.judged).count();
        let passed = self.outcomes.len() - failed - unjudged;
        out += &match unjudged {
            0 => format!("{passed} passed, {failed} failed\n"),
            n => format!("{passed} passed, {failed} failed, {n} not judged (machine busy)\n"),
        };
        out
    }

    /// Prints the checklist and exits with the verdict's code (see [`Verdict::exit_code`]).
    /// Exiting also ends any thread a hung check left behind.
    pub fn print_and_exit(self) -> ! {
        print!("{}", self.render());
        std::process::exit(self.verdict().exit_code())
    }
}
