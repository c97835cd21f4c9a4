//! The judge: every item processed exactly once and its result returned, a pause and a slow
//! item that are not the end of the stream, a clean shutdown, a bounded backlog, and all the
//! consumers at work. Every failure says what the answer did, in a student's words. Each check
//! starts its own contained runner, so one fault fails one check.
//!
//! - [`once`]: each item processed once and its result returned once, and soon.
//! - [`quiet`]: a pause of the producer and a slow item are not the end of the stream.
//! - [`shutdown`]: `pipeline()` returns and leaves nothing running; a hang, in words.
//! - [`workers`]: a bounded backlog, and all the consumers at work.

mod once;
mod quiet;
mod shutdown;
mod workers;

use std::time::Duration;

use lesson_kit::exercise::{Checklist, Contained, Fault, Limits, Observation, Sandbox};

use crate::Setup;
use crate::run::Report;
use once::exactly_once;
use quiet::pause_is_not_the_end;
use shutdown::{hang_message, shuts_down_cleanly};
use workers::{bounded_backlog, uses_the_workers};

/// `cargo run -p lesson-03-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 03's exercise");
    let mut judge = Judge::default();
    let checklist = judge.check();
    println!("The answer ran contained: {}.", judge.runner.files);
    print!("{}", judge.runner.notes);
    checklist.print_and_exit()
}

/// What the judge saw of one run: the runner's report, its own observation, and leftovers.
struct Seen {
    report: Report,
    observed: Observation<Report>,
    left: Option<String>,
}

/// Runs the checks in turn, each with a fresh runner, and keeps what the answer printed.
#[derive(Default)]
pub struct Judge {
    /// Each check's runner, what protects the files, and what the answer printed. It is
    /// stopped once `pipeline()` did not return, or its program died: later checks are not run.
    pub runner: Contained,
}

impl Judge {
    pub fn check(&mut self) -> Checklist {
        let mut checklist = Checklist::new();
        let checks: [(&str, Check); 5] = [
            ("exactly once", exactly_once),
            ("a pause is not the end", pause_is_not_the_end),
            ("clean shutdown", shuts_down_cleanly),
            ("bounded backlog", bounded_backlog),
            ("all workers used", uses_the_workers),
        ];
        let mut earlier = Earlier::default();
        for (name, check) in checks {
            let result = self.contained(name, check, &earlier);
            earlier.exactly_once |= name == "exactly once" && result.is_ok();
            checklist.record(name, result);
        }
        checklist
    }

    /// Starts a runner for one check and turns its faults into the check's failure.
    fn contained(&mut self, name: &str, check: Check, earlier: &Earlier) -> Result<String, String> {
        let result = self.runner.run(name, limits(), |sandbox| {
            check(&mut |setup| ask(sandbox, setup), earlier)
        })?;
        result.map_err(|judged| {
            if let Some(what) = judged.stops {
                self.runner.stop(format!("{what} in \"{name}\""));
            }
            judged.why
        })
    }
}

/// Why a check did not hold; `stops`: what the answer did that makes later checks pointless
/// (it never returned, or ended its program).
struct Judged {
    why: String,
    stops: Option<&'static str>,
}

impl From<String> for Judged {
    fn from(why: String) -> Judged {
        Judged { why, stops: None }
    }
}

type Ask<'a> = dyn FnMut(Setup) -> Result<Seen, Judged> + 'a;
/// One check: what held, or what is wrong; it runs the answer through `ask`.
type Check = fn(&mut Ask<'_>, &Earlier) -> Result<String, Judged>;

/// What earlier checks found, to name what the answer did in a later one.
#[derive(Default)]
struct Earlier {
    /// Every result came back when the items were fast.
    exactly_once: bool,
}

fn ask(sandbox: &mut Sandbox, setup: Setup) -> Result<Seen, Judged> {
    let (observed, left) = sandbox
        .ask_noting_leftovers::<Setup, Report>(&setup)
        .map_err(|fault: Fault| {
            let stops = match fault {
                Fault::NoReply(_) => Some("pipeline() did not return"),
                Fault::Exited(_) => Some("the answer ended its program"),
                Fault::Signalled(_) | Fault::Limit(_) => Some("the answer's program was killed"),
                _ => None,
            };
            Judged {
                why: format!("{}: {fault}", setup.describe()),
                stops,
            }
        })?;
    if observed.reply.results.is_none() {
        return Err(Judged {
            why: hang_message(&observed.reply, setup),
            stops: Some("pipeline() did not return"),
        });
    }
    Ok(Seen {
        report: observed.reply.clone(),
        observed,
        left,
    })
}

/// Lesson 03's answer needs little: a few threads, little memory, seconds of CPU; the watch in
/// the runner reports a hang after [`QUIET`], well before the judge's own limit.
fn limits() -> Limits {
    Limits {
        reply_within: Duration::from_secs(15),
        ..Limits::default()
    }
}
