//! Each item processed once and its result returned once, judged from the run's raw facts.

use std::collections::HashMap;
use std::time::Duration;

use super::{Ask, Earlier, Judged};
use crate::Setup;
use crate::run::Report;
use crate::stage::result_of;

/// `pipeline()` returning later than this after the last result was ready waited for something
/// that was not the end of the stream: joining the consumers takes milliseconds.
const RETURN_WITHIN: Duration = Duration::from_secs(1);

/// " (the last one)" for the last item, to make the classic off-by-one obvious.
pub(super) fn which(item: u64, items: u64) -> String {
    if item + 1 == items {
        format!("item {item} (the last one)")
    } else {
        format!("item {item}")
    }
}

/// Each item processed once and its result returned once, judged from the run's raw facts.
pub(super) fn each_item_once(setup: Setup, report: &Report) -> Result<(), String> {
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

/// `pipeline()` returned soon after the last result was ready, not after a quiet spell.
pub(super) fn returned_promptly(setup: Setup, report: &Report) -> Result<(), String> {
    match report.returned_after_last_ms {
        Some(lag) if lag > RETURN_WITHIN.as_millis() as u64 => Err(format!(
            "{}: pipeline() returned {:.1} s after the last result was ready: it waited for a \
             quiet spell (a receive timeout?) before it stopped collecting. A quiet spell is not \
             the end of the stream; collect until the results channel is closed, which happens \
             as soon as the last consumer is done",
            setup.describe(),
            lag as f64 / 1e3
        )),
        _ => Ok(()),
    }
}

/// Leftover threads are judged by the clean-shutdown check; elsewhere they end the runner only.
pub(super) fn exactly_once(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
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
        returned_promptly(setup, &seen.report)?;
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
