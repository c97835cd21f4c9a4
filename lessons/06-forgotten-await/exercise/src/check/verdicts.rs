//! What the judge concludes from a batch: one function per line of the checklist, each from the
//! store's counts and the heartbeat, each failure in words that name the customer and the cause.

use std::time::Duration;

use super::LAG_BOUND;
use super::words::{blocked_on, blocking_lines, customers, list, tries};
use crate::{BatchSeen, Request};

/// What every verdict looks at: the batch asked for, the first batch seen, every try of it (the
/// stall may have been measured again), and the answer's source for naming lines.
pub struct Verdicts<'a> {
    pub request: &'a Request,
    pub first: &'a BatchSeen,
    pub tries: &'a [BatchSeen],
    pub source: &'a str,
}

type Verdict = fn(&Verdicts) -> Result<String, String>;

/// The checklist's name for the stall check, which a busy machine may leave unjudged.
pub const STALL: &str = "the runtime never stalled";

pub const CHECKS: [(&str, Verdict); 6] = [
    ("every customer is in done or failed, once", accounted),
    (
        "every error is reported, none counted as done",
        errors_reported,
    ),
    ("every report is saved before returning", saved),
    ("a busy store is waited out, then tried again", busy_waited),
    ("at most 2 renders at once", renders_limited),
    (STALL, never_stalled),
];

/// Whether every check but the stall holds for `seen`: then the stall alone decides the verdict.
pub fn all_but_the_stall_hold(request: &Request, seen: &BatchSeen) -> bool {
    let verdicts = Verdicts {
        request,
        first: seen,
        tries: std::slice::from_ref(seen),
        source: "",
    };
    (CHECKS.iter())
        .filter(|(name, _)| *name != STALL)
        .all(|(_, check)| check(&verdicts).is_ok())
}

fn times_in(seen: &BatchSeen, customer: u32) -> usize {
    let done = seen.summary.done.iter().filter(|&&c| c == customer).count();
    done + seen
        .summary
        .failed
        .iter()
        .filter(|f| f.0 == customer)
        .count()
}

fn store_error(customer: u32) -> String {
    crate::LoadError::Missing(customer).to_string()
}

fn accounted(v: &Verdicts) -> Result<String, String> {
    let seen = v.first;
    let mut wrong = Vec::new();
    let (mut lost, mut absent) = (Vec::new(), Vec::new());
    for &customer in &v.request.customers {
        match times_in(seen, customer) {
            1 => {}
            0 if v.request.missing.contains(&customer) => lost.push(customer),
            0 => absent.push(customer),
            n => wrong.push(format!("customer {customer} is in the summary {n} times")),
        }
    }
    if !lost.is_empty() {
        wrong.push(format!(
            "{} in neither list: the store failed {} (\"{}\") in a task nobody waited for, and \
             the error went with it. tokio::spawn's JoinHandle, dropped, detaches the task and \
             its result: keep the tasks in a JoinSet and put each error in `failed`",
            customers(&lost, "is", "are"),
            if lost.len() == 1 {
                "its load"
            } else {
                "their loads"
            },
            store_error(lost[0])
        ));
    }
    if !absent.is_empty() {
        wrong.push(format!(
            "{} in neither list: did {}, in an error or a panic?",
            customers(&absent, "is", "are"),
            if absent.len() == 1 {
                "its task end with nobody waiting for it"
            } else {
                "their tasks end with nobody waiting for them"
            }
        ));
    }
    let asked = |c: &&u32| v.request.customers.contains(c);
    let mut named = (seen.summary.done.iter()).chain(seen.summary.failed.iter().map(|f| &f.0));
    if let Some(stranger) = named.find(|c| !asked(c)) {
        wrong.push(format!(
            "the summary names customer {stranger}, who was not asked for"
        ));
    }
    if seen.tasks_left > 0 {
        wrong.push(format!(
            "the answer returned while {} of its tasks were still running: wait for every \
             task it spawned (JoinSet::join_next) before returning",
            seen.tasks_left
        ));
    }
    match wrong.is_empty() {
        true => Ok(format!(
            "{} customers: {} done, {} failed",
            v.request.customers.len(),
            seen.summary.done.len(),
            seen.summary.failed.len()
        )),
        false => Err(wrong.join("; ")),
    }
}

fn errors_reported(v: &Verdicts) -> Result<String, String> {
    let summary = &v.first.summary;
    for &customer in &v.request.missing {
        let error = store_error(customer);
        if summary.done.contains(&customer) {
            return Err(format!(
                "customer {customer}'s load failed (\"{error}\"), yet the summary counts it as \
                 done: an error logged is not an error reported. Put the customer in `failed`, \
                 with its error"
            ));
        }
        match summary.failed.iter().find(|f| f.0 == customer) {
            None => {
                return Err(format!(
                    "customer {customer}'s load failed (\"{error}\") and the summary does not \
                     say so"
                ));
            }
            Some((_, said)) if !said.contains(&error) => {
                return Err(format!(
                    "customer {customer} is in `failed` with {said:?}, not the store's error \
                     (\"{error}\"): report the error itself (error.to_string())"
                ));
            }
            Some(_) => {}
        }
    }
    if let Some((customer, said)) =
        (summary.failed.iter()).find(|f| !v.request.missing.contains(&f.0))
    {
        let why = blocked_on(said).unwrap_or_else(|| format!("it failed with {said:?}"));
        return Err(format!(
            "customer {customer} is in the store and should be done, but {why}"
        ));
    }
    Ok(format!(
        "customers {} failed with the store's error, and no other",
        list(&v.request.missing)
    ))
}

fn saved(v: &Verdicts) -> Result<String, String> {
    let seen = v.first;
    let expected: Vec<u32> = (v.request.customers.iter())
        .filter(|c| !v.request.missing.contains(c))
        .copied()
        .collect();
    let lost: Vec<u32> = (expected.iter())
        .filter(|c| !seen.saved.contains(c))
        .copied()
        .collect();
    if lost.is_empty() {
        return Ok(format!(
            "the store saved {} reports, one per customer in `done`",
            seen.saved.len()
        ));
    }
    let why = if seen.saved_late > 0 {
        format!(
            "{} were saved only after build_reports returned, by tasks it left running",
            seen.saved_late
        )
    } else if let Some(why) = (seen.summary.failed.iter()).find_map(|f| blocked_on(&f.1)) {
        format!("their tasks panicked: {why}")
    } else if seen.renders >= lost.len() {
        "their reports were rendered, then never saved: store.save(report) only makes a future, \
         and a future does nothing until it is awaited. .await it"
            .to_string()
    } else {
        match seen.renders {
            0 => "no report was rendered".to_string(),
            n => format!("only {n} reports were rendered"),
        }
    };
    Err(format!(
        "the store saved no report for {} by the time the answer returned: {why}",
        customers(&lost, "", "").trim_end()
    ))
}

fn busy_waited(v: &Verdicts) -> Result<String, String> {
    let retry_after = Duration::from_millis(v.request.retry_after_ms);
    for &customer in &v.request.busy_once {
        let loads = v.first.loads.get(&customer).cloned().unwrap_or_default();
        match loads.len() {
            0 => return Err(format!("customer {customer} was never loaded")),
            1 => {
                return Err(format!(
                    "the store answered Busy to customer {customer}'s load and it was not \
                     tried again: wait retry_after, then load again"
                ));
            }
            2 => {}
            n => {
                let within = loads[n - 1] - loads[0];
                return Err(format!(
                    "customer {customer} was loaded {n} times in {:.0} ms: when the store says \
                     Busy, wait retry_after ({} ms) before trying again",
                    within.as_secs_f64() * 1e3,
                    retry_after.as_millis()
                ));
            }
        }
    }
    Ok(format!(
        "customers {} were loaded again after the store's {} ms",
        list(&v.request.busy_once),
        retry_after.as_millis()
    ))
}

fn renders_limited(v: &Verdicts) -> Result<String, String> {
    let (seen, limit) = (v.first, v.request.cpu_limit);
    if seen.peak_rendering > limit {
        return Err(format!(
            "up to {} renders ran at once, on as many threads: spawn_blocking starts a thread \
             for each call that finds none free (up to 512), and {limit} cores can only take \
             turns at them. Hold a permit (tokio::sync::Semaphore::new(cpu_limit)) while each \
             render runs",
            seen.peak_rendering
        ));
    }
    Ok(format!(
        "{} renders, at most {} at once",
        seen.renders, seen.peak_rendering
    ))
}

fn never_stalled(v: &Verdicts) -> Result<String, String> {
    let best = v
        .tries
        .iter()
        .min_by_key(|t| t.own_lag())
        .unwrap_or(v.first);
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    let on_runtime = v
        .tries
        .iter()
        .map(|t| t.renders_on_runtime)
        .max()
        .unwrap_or(0);
    // A render on the runtime's thread stalls it for its whole CPU time: a stall, whatever a
    // loaded machine did to the control.
    if best.own_lag() < LAG_BOUND && on_runtime == 0 {
        return Ok(format!(
            "a heartbeat every 10 ms was at worst {} late, {} beyond an idle runtime's beside it \
             (bound {})",
            ms(best.worst_lag),
            ms(best.own_lag()),
            ms(LAG_BOUND)
        ));
    }
    let mut why = Vec::new();
    if on_runtime > 0 {
        why.push(format!(
            "render() ran on the runtime's own thread {on_runtime} times, {} of CPU work each, \
             and no other task could run meanwhile: run it with tokio::task::spawn_blocking",
            ms(Duration::from_millis(v.request.render_ms))
        ));
    }
    for (line, call) in blocking_lines(v.source) {
        why.push(match call {
            "thread::sleep" => format!(
                "line {line} calls std::thread::sleep, which stops the whole thread: \
                 tokio::time::sleep(...).await waits and lets the other tasks run"
            ),
            _ => format!("line {line} calls {call}, which blocks the thread it runs on"),
        });
    }
    if why.is_empty() {
        why.push("something held the runtime's thread: a blocking call inside async code?".into());
    }
    let of = match v.tries.len() {
        1 => String::new(),
        n => format!(" at best of {}", tries(n)),
    };
    Err(format!(
        "a heartbeat every 10 ms was {} late{of}, {} beyond an idle runtime's beside it (bound \
         {}): {}",
        ms(best.worst_lag),
        ms(best.own_lag()),
        ms(LAG_BOUND),
        why.join("; ")
    ))
}
