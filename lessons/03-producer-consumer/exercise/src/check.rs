//! The judge: every item processed exactly once and its result returned, a pause and a slow
//! item that are not the end of the stream, a clean shutdown, a bounded backlog, and all the
//! consumers at work. Every failure says what the answer did, in a student's words. Each check
//! starts its own contained runner, so one fault fails one check.

use std::collections::HashMap;
use std::time::Duration;

use lesson_kit::exercise::{Checklist, Fault, Limits, Observation, Sandbox};

use crate::Setup;
use crate::run::{QUIET, Report};
use crate::stage::result_of;

/// The producer's pause and the last item's extra time in the "quiet is not the end" run:
/// longer than the receive timeouts a student plausibly writes (100 ms to 1 s).
const PAUSE_MS: u64 = 1_500;

/// `cargo run -p lesson-03-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 03's exercise");
    let mut judge = Judge::default();
    let checklist = judge.check();
    println!("The answer ran contained: {}.", judge.files);
    print!("{}", judge.notes);
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
    /// What protects the files, as the first runner reported it.
    pub files: String,
    /// Lines after the checklist: what the answer printed, quoted.
    pub notes: String,
    /// Set once `pipeline()` did not return, or its program died: later checks are not run.
    stopped: Option<String>,
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
        if let Some(earlier) = &self.stopped {
            return Err(format!("not run: {earlier}"));
        }
        let mut sandbox = Sandbox::start(limits()).map_err(|f| f.to_string())?;
        self.files = sandbox.files.clone();
        let result = check(&mut |setup| ask(&mut sandbox, setup), earlier);
        let printed = sandbox.printed();
        drop(sandbox);
        if !printed.trim().is_empty() {
            self.notes +=
                &format!("During \"{name}\" the answer printed (not the check's output):\n");
            for line in printed.lines().take(5) {
                self.notes += &format!("  | {line}\n");
            }
        }
        result.map_err(|judged| {
            if let Some(what) = judged.stops {
                self.stopped = Some(format!("{what} in \"{name}\""));
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

fn hang_message(report: &Report, setup: Setup) -> String {
    let (n, taken, processed) = (setup.items, report.taken, report.started);
    let quiet = QUIET.as_secs();
    let paused = match report.started_after_pause {
        Some(0) if setup.pause_before > 0 => format!(
            " No item was processed after the producer's {:.1} s pause before item {}: the \
             consumers had stopped waiting (a receive timeout is not the end of the stream; only \
             a closed channel is).",
            setup.pause_ms as f64 / 1e3,
            setup.pause_before
        ),
        _ => String::new(),
    };
    let what = if taken == 0 && n > 0 {
        format!(
            "pipeline() took no item from `items` and did not return for {quiet} s: it sleeps, \
             waits forever or loops before sending anything"
        )
    } else if processed >= n {
        format!(
            "pipeline() did not return: all {n} items were processed, then nothing happened for \
             {quiet} s. The consumers wait for more items as long as any Sender of their channel \
             is alive: drop every Sender (the producer's and every clone) once all items are \
             sent, and make sure nothing else waits on a channel that never closes"
        )
    } else if taken >= n {
        format!(
            "pipeline() is stuck: all {n} items were taken, but only {processed} were processed, \
             then nothing moved for {quiet} s: did the consumers stop too early, or is one of \
             them waiting for something?"
        )
    } else {
        format!(
            "pipeline() is stuck: the producer took {taken} of {n} items and {processed} were \
             processed, then nothing moved for {quiet} s: is the producer blocked on a full queue \
             that no consumer empties any more?"
        )
    };
    format!("{}: {what}{paused}", setup.describe())
}

/// " (the last one)" for the last item, to make the classic off-by-one obvious.
fn which(item: u64, items: u64) -> String {
    if item + 1 == items {
        format!("item {item} (the last one)")
    } else {
        format!("item {item}")
    }
}

/// Each item processed once and its result returned once, judged from the run's raw facts.
fn each_item_once(setup: Setup, report: &Report) -> Result<(), String> {
    let n = setup.items;
    let at = setup.describe();
    for item in 0..n {
        match report
            .times_processed
            .get(item as usize)
            .copied()
            .unwrap_or(0)
        {
            1 => {}
            0 => return Err(format!("{at}: {} was never processed", which(item, n))),
            times => {
                return Err(format!(
                    "{at}: {} was processed {times} times: each item must go to exactly one \
                     consumer",
                    which(item, n)
                ));
            }
        }
    }
    let results = report.results.as_deref().unwrap_or_default();
    let mut returned: HashMap<u64, u32> = HashMap::new();
    for result in results {
        *returned.entry(*result).or_default() += 1;
    }
    for item in 0..n {
        match returned.get(&result_of(item)).copied().unwrap_or(0) {
            1 => {}
            0 => {
                return Err(format!(
                    "{at}: {n} items went in, {} results came out: the result of {} is missing",
                    results.len(),
                    which(item, n)
                ));
            }
            times => {
                return Err(format!(
                    "{at}: the result of {} was returned {times} times",
                    which(item, n)
                ));
            }
        }
    }
    if results.len() as u64 != n {
        return Err(format!(
            "{at}: {n} items went in, {} results came out, some of them not results of any item",
            results.len()
        ));
    }
    Ok(())
}

/// Leftover threads are judged by the clean-shutdown check; elsewhere they end the runner only.
fn exactly_once(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
    let setups = [
        Setup::new(1_000, 2, 8),
        Setup::new(1_000, 3, 1),
        Setup::new(1, 2, 4),
        Setup::new(0, 2, 4),
        Setup::new(517, 4, 2),
        Setup::new(1_000, 1, 16),
    ];
    for (run, setup) in setups.into_iter().enumerate() {
        let seen = ask(setup)?;
        each_item_once(setup, &seen.report)?;
        if seen.left.is_some() {
            // The runner has been ended with what it left; "clean shutdown" says what that was.
            return Ok(format!(
                "each item processed once and its result returned once in {} of {} runs (then \
                 the answer left threads running: see \"clean shutdown\")",
                run + 1,
                setups.len()
            ));
        }
    }
    Ok(format!(
        "each item processed once and its result returned once, in {} runs (0 to 1000 items, 1 \
         to 4 workers, capacity 1 to 16)",
        setups.len()
    ))
}

/// The producer pauses, then the last item is slow: neither is the end of the stream.
fn pause_is_not_the_end(ask: &mut Ask<'_>, earlier: &Earlier) -> Result<String, Judged> {
    let setup = Setup {
        cost_us: 200,
        pause_before: 20,
        pause_ms: PAUSE_MS,
        slow_last_ms: PAUSE_MS,
        ..Setup::new(40, 3, 2)
    };
    let seconds = PAUSE_MS as f64 / 1e3;
    let seen = ask(setup).map_err(|mut judged| {
        if judged.why.contains("SendError") {
            judged.why += &format!(
                " (the producer paused {seconds:.1} s before item 20: had every consumer stopped \
                 waiting by then, so that sending failed?)"
            );
        }
        judged
    })?;
    let report = &seen.report;
    let never: Vec<u64> = (0..setup.items)
        .filter(|&i| report.times_processed.get(i as usize) == Some(&0))
        .collect();
    if !never.is_empty() && never.iter().all(|&i| i >= setup.pause_before) {
        return Err(format!(
            "{}: the producer paused {seconds:.1} s before item {}, and {} of the items after \
             the pause were never processed: the consumers stopped when the queue went quiet. A \
             receive timeout is not the end of the stream; only a closed channel is",
            setup.describe(),
            setup.pause_before,
            never.len()
        )
        .into());
    }
    let last = setup.items - 1;
    let results = report.results.as_deref().unwrap_or_default();
    let processed_once = report.times_processed.get(last as usize) == Some(&1);
    if processed_once && !results.contains(&result_of(last)) {
        let how = if report.unfinished_at_return > 0 {
            "pipeline() returned while it was still being processed"
        } else if earlier.exactly_once {
            "every result came back when all items were fast"
        } else {
            ""
        };
        if !how.is_empty() {
            return Err(format!(
                "{}: item {last} (the last one, which takes {seconds:.1} s) was processed but its \
                 result was not returned, and {how}: the answer stopped collecting when no \
                 result came for a while. A quiet spell is not the end; collect until the results \
                 channel is closed",
                setup.describe()
            )
            .into());
        }
    }
    each_item_once(setup, report)?;
    Ok(format!(
        "a {seconds:.1} s pause of the producer and a last item taking {seconds:.1} s did not end \
         the stream early"
    ))
}

/// `pipeline()` returns, and no thread it started is still running afterwards.
fn shuts_down_cleanly(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
    let setup = Setup {
        slow_goodbye: true,
        ..Setup::new(1_000, 2, 8)
    };
    let seen = ask(setup)?;
    if seen.report.held_at_return > 0 {
        let held = seen.report.held_at_return;
        return Err(format!(
            "{}: pipeline() returned while {held} thread(s) still held the stage or the items: \
             those threads were not joined, so they were still running after it returned. Join \
             every thread (or use thread::scope) before returning",
            setup.describe()
        )
        .into());
    }
    match seen.left {
        Some(left) if left.contains("process") => {
            return Err(format!(
                "{}: pipeline() returned but left {left} running: a process it starts must end \
                 before it returns",
                setup.describe()
            )
            .into());
        }
        Some(left) => {
            return Err(format!(
                "{}: pipeline() returned but left {left} running (waiting for something that \
                 never comes?): close every channel by dropping its Senders, and join every \
                 thread before returning",
                setup.describe()
            )
            .into());
        }
        None => {}
    }
    each_item_once(setup, &seen.report)?;
    Ok(
        "pipeline() returned, and every thread it started had ended: none held the stage or the \
         items any more"
            .to_string(),
    )
}

/// Never more items waiting than the queue's capacity allows.
fn bounded_backlog(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
    let setup = Setup {
        cost_us: 50,
        ..Setup::new(400, 2, 4)
    };
    let seen = ask(setup)?;
    // Waiting items: those in the queue, the one the producer holds while send() waits, and one
    // per consumer between recv() and process().
    let allowed = (setup.capacity + setup.workers + 1) as u64;
    let peak = seen.report.peak_backlog;
    if peak > allowed {
        return Err(format!(
            "{}, slow consumers: up to {peak} items had been taken from `items` and were waiting \
             to be processed (at most {allowed} fit in a queue of capacity {}): is the queue \
             bounded? An unbounded queue lets the producer run ahead of the consumers",
            setup.describe(),
            setup.capacity
        )
        .into());
    }
    Ok(format!(
        "with slow consumers, at most {peak} items waited (capacity {} allows {allowed})",
        setup.capacity
    ))
}

/// `workers` consumer threads all process items.
fn uses_the_workers(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
    let setup = Setup {
        cost_us: 20,
        meet: true,
        ..Setup::new(300, 3, 4)
    };
    let seen = ask(setup)?;
    let (n, workers) = (seen.report.threads, setup.workers);
    // The runner calls pipeline() on a thread of its own: the answer started the rest.
    let started = seen.observed.threads_seen.saturating_sub(1);
    let at = setup.describe();
    match n {
        n if n == workers => Ok(format!("{n} consumer threads processed items, as asked")),
        n if n > workers => Err(format!(
            "{at}: process() ran on {n} threads, more than the {workers} workers asked for: does \
             the answer start a fixed number of consumers, or process items on another thread \
             too?"
        )
        .into()),
        n if started >= workers => Err(format!(
            "{at}: the answer started {started} threads, but only {n} of them ever called \
             process(): do the others wait for something the first one holds, such as a lock \
             kept around the whole receive loop?"
        )
        .into()),
        n => Err(format!(
            "{at}: process() ran on {n} thread(s), and the check saw {started} thread(s) started \
             for {workers} workers: start `workers` consumer threads that each take items from \
             the channel"
        )
        .into()),
    }
}

/// Lesson 03's answer needs little: a few threads, little memory, seconds of CPU; the watch in
/// the runner reports a hang after [`QUIET`], well before the judge's own limit.
fn limits() -> Limits {
    Limits {
        reply_within: Duration::from_secs(15),
        ..Limits::default()
    }
}
