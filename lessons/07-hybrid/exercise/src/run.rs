//! The runner's side of one check: a runtime and a client of its own, a heartbeat on that
//! runtime, the answer's batch, and what it left behind. The answer only gets a client, the URLs
//! and the bound; the runtime, the clock and the counts are out of its reach.

use std::time::{Duration, Instant};

use lesson_kit::heartbeat::Heartbeat;

use serde::{Deserialize, Serialize};

use crate::photos::{self, Counts};
use crate::{Answer, Request};

/// How often the heartbeat (the kit's [`lesson_kit::heartbeat`]) means to wake.
pub const TICK: Duration = Duration::from_millis(5);
/// How long blocking work the answer left running may take to end before the runtime is dropped.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(2);

/// What became of one URL, as the runner saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seen {
    Thumbnail { checksum: u64, size: (u32, u32) },
    Failed(String),
}

impl Seen {
    pub fn is_thumbnail(&self) -> bool {
        matches!(self, Seen::Thumbnail { .. })
    }
}

/// What the runner saw of one batch, for the judge to decide on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BatchSeen {
    /// The runtime or the client could not be built (nothing of the answer ran).
    pub cannot_start: Option<String>,
    /// Each result's URL and what it was, in the order the answer returned them.
    pub results: Vec<(String, Seen)>,
    pub counts: Counts,
    /// The heartbeat's worst lateness while the answer ran, in microseconds.
    pub worst_lag_us: u64,
    /// Tasks of the answer still alive when it returned (cancelled with the runtime after).
    pub tasks_left: usize,
}

/// Runs the judge's batch with the answer, in the runner.
pub fn run(answer: Answer, request: &Request) -> BatchSeen {
    // One thread, built explicitly: the answer's tasks take turns on it, so CPU work done in a
    // task stops the others, downloads and heartbeat alike.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => return cannot_start(e.to_string()),
    };
    let client = local_server::client::asynchronous(Duration::from_millis(request.timeout_ms));
    let client = match client {
        Ok(client) => client,
        Err(e) => return cannot_start(e.to_string()),
    };
    photos::reset(std::thread::current().id());
    // The kit's heartbeat: a task on the runtime that wakes every TICK and records how late.
    let heartbeat = {
        let _on = runtime.enter();
        Heartbeat::start(TICK)
    };
    let urls = request.urls.clone();
    let results = runtime.block_on(async {
        // The heartbeat starts ticking before the answer runs.
        tokio::task::yield_now().await;
        (answer.thumbnails)(client, urls, request.max_photos).await
    });
    let worst_lag_us = runtime.block_on(heartbeat.stop()).worst().as_micros() as u64;
    let results: Vec<(String, Seen)> = results
        .into_iter()
        .map(|result| match result {
            Ok(t) => (
                t.url().to_string(),
                Seen::Thumbnail {
                    checksum: t.checksum(),
                    size: t.size(),
                },
            ),
            Err(f) => (f.url, Seen::Failed(f.why)),
        })
        .collect();
    let tasks_left = settle(&runtime);
    // Dropping the runtime cancels the tasks the answer left; blocking work cannot be cancelled,
    // so it gets a moment to end (its thread is then abandoned, and the judge reports it).
    runtime.shutdown_timeout(SHUTDOWN_WAIT);
    BatchSeen {
        cannot_start: None,
        results,
        counts: photos::counts(),
        worst_lag_us,
        tasks_left,
    }
}

/// The answer's tasks still alive once the client's connection tasks (hyper's, which end when
/// the client is dropped) and the aborted heartbeat have had a moment to end.
fn settle(runtime: &tokio::runtime::Runtime) -> usize {
    let started = Instant::now();
    let mut left = runtime.metrics().num_alive_tasks();
    while left > 0 && started.elapsed() < Duration::from_millis(100) {
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(2)).await });
        left = runtime.metrics().num_alive_tasks();
    }
    left
}

fn cannot_start(why: String) -> BatchSeen {
    BatchSeen {
        cannot_start: Some(why),
        ..BatchSeen::default()
    }
}
