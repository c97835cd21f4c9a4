//! `pipeline()` returns and leaves nothing running; and when it does not return, what it did.

use super::once::each_item_once;
use super::{Ask, Earlier, Judged};
use crate::Setup;
use crate::run::{QUIET, Report};

/// `pipeline()` returns, and no thread it started is still running afterwards.
pub(super) fn shuts_down_cleanly(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
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

pub(super) fn hang_message(report: &Report, setup: Setup) -> String {
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
             sent, and make sure nothing else waits on a channel that never closes (nor for a \
             quiet spell, such as a receive timeout: a quiet spell is not the end of the stream; \
             a closed channel is)"
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
