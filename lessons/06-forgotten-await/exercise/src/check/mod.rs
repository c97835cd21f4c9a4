//! The judge: it runs the batch in a contained runner (the kit's [`Contained`], which also quotes
//! what the answer printed) and decides from what the *store* counted and the heartbeat measured,
//! not from what the answer says: which customers were loaded and when, how many renders ran at
//! once and on which thread, which reports were saved before the answer returned, how late the
//! heartbeat woke. Every failure says what the answer did.

#[cfg(test)]
mod tests;
mod verdicts;
mod words;

use std::time::Duration;

use lesson_kit::capacity::Capacity;
use lesson_kit::exercise::{self, Checklist, Contained, Fault, Limits, Sandbox};

use crate::{BatchSeen, Request};

/// The customers of every batch: some fail to load, some are busy once.
const CUSTOMERS: std::ops::RangeInclusive<u32> = 101..=110;
const MISSING: [u32; 2] = [104, 109];
const BUSY_ONCE: [u32; 2] = [102, 107];
const RETRY_AFTER_MS: u64 = 150;
/// CPU time of one render: longer than the stall allowed, so one render on the runtime's thread
/// always shows, on any machine.
const RENDER_MS: u64 = 100;
/// Renders the answer may run at once: the cores of a small machine.
const CPU_LIMIT: usize = 2;
/// The heartbeat's latest wake-up allowed, beyond the control's (a heartbeat alone on an idle
/// runtime on another thread, over the same time). A runtime whose thread is free wakes it on
/// time, give or take tokio's millisecond timer; a machine loaded beyond its cores adds tens of
/// milliseconds (the model solution's worst lag measured 16-55 ms on 2 cores at a load of 13-21),
/// and the control, delayed by the same load, takes that back out. One render or one busy pause
/// on the runtime's thread makes it 100 ms late or more, whatever the control says.
const LAG_BOUND: Duration = Duration::from_millis(60);
/// A stall that may be the machine's doing is measured again, this many batches in all.
const TRIES: usize = 3;

/// `cargo run -p lesson-06-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(answer: exercise::Answer) -> ! {
    println!("Checking {} against lesson 06's exercise", answer.name);
    let request = request();
    // Every check judges the same batch: one contained runner runs it, and runs it again when
    // only the stall is in doubt.
    let mut runner = Contained::new();
    let ran = runner.run("the batch", limits(), |sandbox| {
        batch_tries(sandbox, &request, answer.source)
    });
    let (tries, fault) = match ran {
        Ok(ran) => ran,
        Err(why) => {
            println!("✗ {why}");
            std::process::exit(1)
        }
    };
    let checklist = judge(&request, &tries, fault, answer.source);
    println!("The answer ran contained: {}.", runner.files);
    print!("{}", runner.notes);
    checklist.print_and_exit()
}

/// Runs the batch until its verdict is clear: again (up to [`TRIES`] in all) while a stall alone
/// would decide it and the answer's own code does not explain it. Every batch seen, and the
/// fault that ended them, if one did.
fn batch_tries(
    sandbox: &mut Sandbox,
    request: &Request,
    source: &str,
) -> (Vec<BatchSeen>, Option<String>) {
    let mut tries = Vec::new();
    while tries.len() < TRIES {
        match batch(sandbox, request) {
            Ok(seen) => {
                tries.push(seen);
                let again = stalled(&tries)
                    && !own_doing(&tries, source)
                    && verdicts::all_but_the_stall_hold(request, &tries[0]);
                if !again {
                    break;
                }
            }
            Err(why) => return (tries, Some(why)),
        }
    }
    (tries, None)
}

/// The checklist from the batches seen: each check on the first, the stall on the best of them.
fn judge(request: &Request, tries: &[BatchSeen], fault: Option<String>, source: &str) -> Checklist {
    let mut checklist = Checklist::new();
    match (fault, tries.first()) {
        (Some(why), None) => {
            for (n, (name, _)) in verdicts::CHECKS.iter().enumerate() {
                let result = if n == 0 {
                    why.clone()
                } else {
                    "not judged: the batch ended in the fault above".to_string()
                };
                checklist.record(name, Err(result));
            }
        }
        (fault, Some(first)) => {
            let verdicts = verdicts::Verdicts {
                request,
                first,
                tries,
                source,
            };
            for (name, check) in verdicts::CHECKS {
                checklist.record(name, check(&verdicts));
            }
            if let Some(why) = fault {
                checklist.record("the batch ran again", Err(why));
            }
        }
        (None, None) => unreachable!("a batch either ran or faulted"),
    }
    // A stall that only a busy machine explains is not held against the answer.
    if let Some(stalled) = unjudged_stall(&checklist, tries, source) {
        checklist.outcomes.retain(|o| o.name != verdicts::STALL);
        checklist.not_judged(verdicts::STALL, &stalled);
    }
    checklist
}

/// The batch every check judges.
fn request() -> Request {
    Request {
        customers: CUSTOMERS.collect(),
        missing: MISSING.to_vec(),
        busy_once: BUSY_ONCE.to_vec(),
        retry_after_ms: RETRY_AFTER_MS,
        render_ms: RENDER_MS,
        cpu_limit: CPU_LIMIT,
    }
}

fn limits() -> Limits {
    Limits {
        // The starter, everything on one thread, takes about a second; several on a loaded machine.
        reply_within: Duration::from_secs(15),
        ..Limits::default()
    }
}

/// One batch in the runner; a fault in words a student understands.
fn batch(sandbox: &mut Sandbox, request: &Request) -> Result<BatchSeen, String> {
    match sandbox.ask::<_, BatchSeen>(request) {
        Ok(seen) => match seen.reply.cannot_start {
            Some(why) => Err(format!("the check could not start the runtime: {why}")),
            None => Ok(seen.reply),
        },
        Err(Fault::Panicked(message)) => Err(match words::blocked_on(&message) {
            Some(why) => format!("the answer panicked: {why}"),
            None => Fault::Panicked(message).to_string(),
        }),
        Err(fault) => Err(fault.to_string()),
    }
}

/// The stall held in every try: the heartbeat was late past the bound, beyond the control, in
/// the best of them.
fn stalled(tries: &[BatchSeen]) -> bool {
    tries.iter().map(|t| t.own_lag()).min() >= Some(LAG_BOUND)
}

/// Whether the answer's own code explains the stall, whatever the machine's load: a render ran on
/// the runtime's thread, or the heartbeat was as late as the busy store's pause and the code
/// calls something that blocks (`std::thread::sleep`, `block_on`).
fn own_doing(tries: &[BatchSeen], source: &str) -> bool {
    let best = tries.iter().map(|t| t.worst_lag).min().unwrap_or_default();
    tries.iter().any(|t| t.renders_on_runtime > 0)
        || (best >= Duration::from_millis(RETRY_AFTER_MS * 9 / 10)
            && !words::blocking_lines(source).is_empty())
}

/// Why the stall check is not judged, if only a busy machine explains it: the stall failed in
/// every try, nothing of the answer's own explains it, and the machine is busy now.
fn unjudged_stall(checklist: &Checklist, tries: &[BatchSeen], source: &str) -> Option<String> {
    let failed = checklist
        .outcomes
        .iter()
        .any(|o| o.name == verdicts::STALL && o.result.is_err());
    if !failed || own_doing(tries, source) || !Capacity::now(2).busy() {
        return None;
    }
    let best = tries.iter().map(|t| t.own_lag()).min()?;
    Some(format!(
        "the heartbeat was {:.0} ms later than the control at best of {}, the bound is {} ms",
        best.as_secs_f64() * 1e3,
        words::tries(tries.len()),
        LAG_BOUND.as_millis()
    ))
}
