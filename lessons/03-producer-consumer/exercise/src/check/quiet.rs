//! A pause of the producer and a slow last item are not the end of the stream.

use super::once::{each_item_once, returned_promptly};
use super::{Ask, Earlier, Judged};
use crate::Setup;
use crate::stage::result_of;

/// The producer's pause and the last item's extra time in the "quiet is not the end" run:
/// longer than the receive timeouts a student plausibly writes (100 ms to 1 s). A collector that
/// waits for a longer quiet spell keeps every result, but returns late: see `returned_promptly`.
const PAUSE_MS: u64 = 1_500;

/// The producer pauses, then the last item is slow: neither is the end of the stream.
pub(super) fn pause_is_not_the_end(ask: &mut Ask<'_>, earlier: &Earlier) -> Result<String, Judged> {
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
    returned_promptly(setup, report)?;
    Ok(format!(
        "a {seconds:.1} s pause of the producer and a last item taking {seconds:.1} s did not end \
         the stream early, and pipeline() returned as soon as the last result was ready"
    ))
}
