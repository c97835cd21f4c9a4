//! Experiment 2: the order responses arrive in, and the requests in flight over time.
//!
//! Eight requests whose server delays decrease, 160 ms down to 20 ms, sent in list order. One at
//! a time, they arrive in the order they were sent, and the batch takes the sum of the delays.
//! All at once, the shortest arrives first: the order is reversed, and the batch takes as long as
//! the longest request. A limit in between shows the waves: a new request starts only when one
//! of the limit's slots frees up.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lesson_kit::capacity::Prober;
use lesson_kit::timeline::{Recorder, Timeline};
use lesson_kit::{Measured, Phrase, Section, phrase};
use local_server::{LocalServer, reqwest};

use crate::fetch::fetch;
use crate::{clients, runtime};

/// The server's delay for each request, in the order they are sent.
pub const DELAYS_MS: [u64; 8] = [160, 140, 120, 100, 80, 60, 40, 20];
/// The limits shown: one at a time, a few, all at once.
pub const LIMITS: [usize; 3] = [1, 3, 8];

// ANCHOR: arrivals
/// Sends `urls` with at most `limit` in flight and returns their indices in the order their
/// responses arrived; each request's time in flight is recorded as a span of its own row.
pub async fn arrivals(
    client: &reqwest::Client,
    urls: &[String],
    limit: usize,
    recorder: &Recorder,
) -> Vec<usize> {
    futures_util::stream::iter(urls.iter().enumerate())
        .map(|(i, url)| async move {
            let sent = Instant::now();
            let outcome = fetch(client, url).await;
            recorder.span_since(i, sent);
            (i, outcome)
        })
        .buffer_unordered(limit)
        .filter_map(|(i, outcome)| async move { outcome.ok().map(|_| i) })
        .collect()
        .await
}
// ANCHOR_END: arrivals

/// Shows concurrency by eye: the arrival order of a batch with decreasing delays, and its
/// timeline at three limits on one time axis.
pub fn arrival_order(workers: usize) -> Section {
    let mut section = Section::new("arrival-order", "The order of arrival").about(
        "Eight requests with server delays from 160 ms down to 20 ms, sent in that order with \
         buffer_unordered at a limit of 1, 3 and 8 requests in flight. Which response arrives \
         first shows whether the requests waited together.",
    );
    let server = LocalServer::start().expect("the local server starts");
    let urls: Vec<String> = DELAYS_MS
        .iter()
        .map(|ms| server.url(&format!("/delay/{ms}")))
        .collect();
    let (client, blocking) = clients(std::time::Duration::from_secs(10));
    drop(blocking);
    let tokio = runtime(workers);
    let rows: Vec<String> = DELAYS_MS
        .iter()
        .enumerate()
        .map(|(i, ms)| format!("#{} {ms} ms", i + 1))
        .collect();
    let mut prober = Prober::new(workers);
    let mut claims = Vec::new();
    for limit in LIMITS {
        // A wave that missed its timing is measured again, up to ATTEMPTS times: a burst of
        // another program's work can delay one run's wake-ups.
        for attempt in 1..=ATTEMPTS {
            let recorder = Recorder::new();
            let order = prober.watch(|| tokio.block_on(arrivals(&client, &urls, limit, &recorder)));
            // One probe with `workers` threads, one with a single thread: both see every limit.
            prober.probe();
            prober.probe();
            let timeline = timeline(recorder, limit, rows.clone());
            let trial = [
                check_the_order(&order, urls.len(), limit),
                check_the_waves(&timeline, limit),
            ];
            if trial.iter().all(|c| c.holds) || attempt == ATTEMPTS {
                claims.extend(trial);
                section.timeline(timeline);
                break;
            }
        }
    }
    drop(tokio);
    let capacity = prober.finish();
    section.capacity_then(
        &capacity,
        phrase!(
            "a request may then wake more than {} ms late: a check of timing that missed in \
             every run is marked ? (not judged).",
            SLACK.as_millis() as u64
        ),
    );
    let held = claims.iter().all(|c| c.holds);
    let excused = claims.iter().all(|c| c.holds || c.timing);
    for claim in claims {
        if claim.timing {
            section.check_timing(claim.holds, &capacity, claim.phrase);
        } else {
            section.check(claim.holds, claim.phrase);
        }
    }
    if held {
        section.verdict(
            "One at a time, the responses arrived in the order sent and the batch took at least \
             the sum of the delays. All eight in flight, the shortest delay answered first and \
             the batch took about as long as the longest. With three slots, each request started \
             as soon as a slot freed.",
        );
    } else if capacity.busy() && excused {
        section.verdict(format!(
            "A check of timing missed in all {ATTEMPTS} runs while the machine was shared with \
             another program: it was not judged (?); run it again when the machine is quiet."
        ));
    } else {
        section.verdict(format!(
            "Not every check above held, measured {ATTEMPTS} times: something in the client \
             or the server delays or loses the requests, which a busy machine does not explain."
        ));
    }
    section
}

/// Checks the order the responses arrived in: as sent with a limit of 1, reversed with every
/// request in flight; with a limit in between, only that every response arrived.
fn check_the_order(order: &[usize], n: usize, limit: usize) -> Claim {
    let shown: Vec<String> = order.iter().map(|i| format!("#{}", i + 1)).collect();
    let expected: Option<Vec<usize>> = match limit {
        1 => Some((0..n).collect()),
        l if l >= n => Some((0..n).rev().collect()),
        _ => None,
    };
    let in_order = match &expected {
        Some(expected) => order == expected.as_slice(),
        None => order.len() == n,
    };
    // One at a time, the order cannot depend on timing; all at once, 20 ms apart, it does: a
    // busy machine may swap two, so that order is a measured value (redacted in the snapshot).
    let timing = limit >= n;
    let phrase = match expected {
        Some(_) if timing => phrase!(
            "limit {}: arrived in the order {}",
            limit,
            Measured::Varies(shown.join(" "))
        ),
        Some(_) => phrase!("limit {}: arrived in the order {}", limit, shown.join(" ")),
        None => phrase!("limit {}: all {} arrived", limit, n),
    };
    Claim::new(in_order, timing, phrase)
}

/// One checked claim of a run, and whether a busy machine can spoil it.
struct Claim {
    holds: bool,
    timing: bool,
    phrase: Phrase,
}

impl Claim {
    fn new(holds: bool, timing: bool, phrase: Phrase) -> Claim {
        Claim {
            holds,
            timing,
            phrase,
        }
    }
}

/// Runs of one limit before its checks are reported as they stand.
pub const ATTEMPTS: usize = 3;

/// How late a request may start after a slot frees, or a batch end after its longest request,
/// and still count as "at once": the client's and the server's work, on a busy machine.
pub const SLACK: Duration = Duration::from_millis(40);

/// Checks, from the recorded spans, what the verdict says of each limit: one at a time takes at
/// least the sum of the delays; all at once about the longest delay; with slots, each request
/// starts as soon as an earlier one ends.
fn check_the_waves(timeline: &Timeline, limit: usize) -> Claim {
    let total = timeline.total;
    let sum: u64 = DELAYS_MS.iter().sum();
    let longest = Duration::from_millis(DELAYS_MS[0]);
    if limit == 1 {
        // A lower bound: no delay of the machine can make the batch shorter.
        let held = total >= Duration::from_millis(sum);
        let phrase = phrase!(
            "limit 1: the batch took {}, at least the sum of the delays ({} ms)",
            Measured::Time(total),
            sum
        );
        Claim::new(held, false, phrase)
    } else if limit >= DELAYS_MS.len() {
        let held = total >= longest && total <= longest + SLACK;
        let phrase = phrase!(
            "limit {}: the batch took {}, the longest delay ({} ms) and at most {} ms more",
            limit,
            Measured::Time(total),
            DELAYS_MS[0],
            SLACK.as_millis() as u64
        );
        Claim::new(held, true, phrase)
    } else {
        // Every request after the first `limit` starts when some earlier one has just ended.
        let mut spans = timeline.spans.clone();
        spans.sort_by_key(|s| s.start);
        let waits: Vec<Duration> = spans
            .iter()
            .skip(limit)
            .filter_map(|late| {
                let freed = spans.iter().filter(|s| s.end <= late.start + SLACK);
                freed.map(|s| late.start.saturating_sub(s.end)).min()
            })
            .collect();
        let longest_wait = waits.iter().max().copied().unwrap_or_default();
        let held = waits.len() == DELAYS_MS.len() - limit && longest_wait <= SLACK;
        let phrase = phrase!(
            "limit {}: each of the last {} requests started at most {} after a slot freed",
            limit,
            DELAYS_MS.len() - limit,
            Measured::Time(longest_wait)
        );
        Claim::new(held, true, phrase)
    }
}

fn timeline(recorder: Recorder, limit: usize, rows: Vec<String>) -> Timeline {
    let title = match limit {
        1 => "One request in flight at a time".to_string(),
        l if l >= rows.len() => "All eight requests in flight at once".to_string(),
        l => format!("At most {l} requests in flight"),
    };
    recorder
        .finish(&format!("limit-{limit}"), &title, rows)
        .with_stripe("request in flight")
        .with_caption(
            "Each row is one request, labelled with the server's delay; a stripe runs from \
             sending it to reading its whole body.",
        )
}
