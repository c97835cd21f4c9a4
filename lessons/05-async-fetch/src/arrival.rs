//! Experiment 2: the order responses arrive in, and the requests in flight over time.
//!
//! Eight requests whose server delays decrease, 160 ms down to 20 ms, sent in list order. One at
//! a time, they arrive in the order they were sent, and the batch takes the sum of the delays.
//! All at once, the shortest arrives first: the order is reversed, and the batch takes as long as
//! the longest request. A limit in between shows the waves: a new request starts only when one
//! of the limit's slots frees up.

use std::time::Instant;

use futures_util::StreamExt;
use lesson_kit::timeline::{Recorder, Timeline};
use lesson_kit::{Section, phrase};
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
    for limit in LIMITS {
        let recorder = Recorder::new();
        let order = tokio.block_on(arrivals(&client, &urls, limit, &recorder));
        let shown: Vec<String> = order.iter().map(|i| format!("#{}", i + 1)).collect();
        let expected: Option<Vec<usize>> = match limit {
            1 => Some((0..urls.len()).collect()),
            l if l >= urls.len() => Some((0..urls.len()).rev().collect()),
            _ => None,
        };
        match expected {
            Some(expected) => section.check(
                order == expected,
                phrase!("limit {}: arrived in the order {}", limit, shown.join(" ")),
            ),
            None => section.check(
                order.len() == urls.len(),
                phrase!("limit {}: all {} arrived", limit, urls.len()),
            ),
        }
        section.timeline(timeline(recorder, limit, rows.clone()));
    }
    drop(tokio);
    section.verdict(
        "One at a time, the responses arrive in the order sent and the batch takes the sum of the \
         delays. All eight in flight, the shortest delay answers first and the batch takes as \
         long as the longest. With three slots, each request starts the moment a slot frees.",
    );
    section
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
