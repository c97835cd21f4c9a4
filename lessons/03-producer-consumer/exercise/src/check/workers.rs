//! A bounded backlog, and all the consumers at work.

use super::{Ask, Earlier, Judged};
use crate::Setup;

/// Never more items waiting than the queue's capacity allows.
pub(super) fn bounded_backlog(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
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
pub(super) fn uses_the_workers(ask: &mut Ask<'_>, _: &Earlier) -> Result<String, Judged> {
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
