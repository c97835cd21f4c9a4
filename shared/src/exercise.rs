//! Checks for exercises: run a student's answer, say in plain words what is wrong.
//!
//! A check is a closure that returns `Ok(what held)` or `Err(what is wrong)`. The checklist runs
//! each one on its own thread with a time limit, so an answer that deadlocks or panics (say, the
//! starter's `todo!()`) is reported as such instead of hanging or crashing the check.

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

/// Where an exercise's answer comes from when a teacher checks a submission (see `check-exercise`).
pub const SUBMISSION_ENV: &str = "EXERCISE_SUBMISSION";

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub result: Result<String, String>,
}

/// A list of checks with their outcomes.
#[derive(Debug, Default)]
pub struct Checklist {
    pub outcomes: Vec<Outcome>,
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

fn capture_panic_message(info: &std::panic::PanicHookInfo<'_>) {
    let location = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    *PANIC_MESSAGE.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("{message}{location}"));
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
        self.outcomes.push(Outcome {
            name: name.to_string(),
            result,
        });
    }

    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.result.is_ok())
    }

    /// `✓ name: what held` or `✗ name: what is wrong`, one line per check, and a closing line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for outcome in &self.outcomes {
            match &outcome.result {
                Ok(text) => out += &format!("✓ {}: {text}\n", outcome.name),
                Err(text) => out += &format!("✗ {}: {text}\n", outcome.name),
            }
        }
        let failed = self.outcomes.iter().filter(|o| o.result.is_err()).count();
        out += &format!("{} passed, {failed} failed\n", self.outcomes.len() - failed);
        out
    }

    /// Prints the checklist and exits: 0 when every check passed, 1 otherwise. Exiting also ends
    /// any thread a hung check left behind.
    pub fn print_and_exit(self) -> ! {
        print!("{}", self.render());
        std::process::exit(if self.passed() { 0 } else { 1 })
    }
}
