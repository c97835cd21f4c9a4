//! The runner's side of one check: a runtime and a client of its own, the answer's batch on them,
//! and the tasks the answer left alive. The answer only gets a client and the URLs; the runtime,
//! the clock and the server's counts are out of its reach.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Answer, Report, Request};

/// Rounds of 2 ms in which the client's connection tasks may end after the answer returns.
const SETTLE_ROUNDS: usize = 50;

/// What the runner saw of one batch, for the judge to decide on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BatchSeen {
    /// The runtime or the client could not be built (nothing of the answer ran).
    pub cannot_start: Option<String>,
    /// The reports, in the order the answer returned them.
    pub reports: Vec<Report>,
    /// Tasks of the answer still alive when it returned (cancelled with the runtime after).
    pub tasks_left: usize,
}

/// Runs the judge's batch with the answer, in the runner.
pub fn run(answer: Answer, request: &Request) -> BatchSeen {
    // One thread, built explicitly, as the lessons build theirs: tasks take turns on it.
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
    let urls = request.urls.clone();
    let reports = runtime.block_on((answer.fetch_all)(client, urls, request.limit));
    // The client's pooled connections run as tasks of their own (hyper's), and end once the
    // answer has dropped the client: give them a moment before counting what is left.
    let mut tasks_left = runtime.metrics().num_alive_tasks();
    for _ in 0..SETTLE_ROUNDS {
        if tasks_left == 0 {
            break;
        }
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(2)).await });
        tasks_left = runtime.metrics().num_alive_tasks();
    }
    // Dropping the runtime cancels whatever the answer left running, before the reply goes out.
    drop(runtime);
    BatchSeen {
        cannot_start: None,
        reports,
        tasks_left,
    }
}

fn cannot_start(why: String) -> BatchSeen {
    BatchSeen {
        cannot_start: Some(why),
        ..BatchSeen::default()
    }
}
