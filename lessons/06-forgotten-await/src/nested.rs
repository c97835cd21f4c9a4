//! Experiment 3: a runtime inside a runtime, and a blocking client inside async code.
//!
//! `block_on` blocks its thread until a future completes. Called on a thread that is already
//! driving a runtime, it would stall every task of that runtime, so tokio refuses with a panic
//! (`tokio/src/runtime/context/runtime.rs`, tokio 1.54); dropping a runtime there would block
//! too (it waits for its blocking pool), and panics as well (`runtime/blocking/shutdown.rs`).
//!
//! `reqwest::blocking` is a runtime on a thread of its own, and its calls park the caller until
//! that thread answers. reqwest 0.13.5 checks for a runtime around the caller only under
//! `#[cfg(debug_assertions)]` (`src/blocking/wait.rs`, `fn enter`: it builds a throwaway
//! runtime, whose drop panics inside async code): a debug build panics; a release build parks
//! the runtime's thread for the whole request, and the heartbeat measures it.

use std::time::Duration;

use lesson_kit::heartbeat::Heartbeat;
use lesson_kit::table::Table;
use lesson_kit::{Measured, Section, phrase};
use local_server::LocalServer;

use crate::{caught, current_thread, with_silent_panics};

/// The server's delay for the blocking request.
pub const DELAY: Duration = Duration::from_millis(100);

// ANCHOR: nested
/// `block_on` of a second runtime, called from a task: `Err(the panic's message)`.
pub fn block_on_inside() -> Result<(), String> {
    let inner = current_thread();
    current_thread().block_on(async { caught(|| inner.block_on(async {})) })
}

/// A runtime dropped inside a task: `Err(the panic's message)`.
pub fn drop_inside() -> Result<(), String> {
    let inner = current_thread();
    current_thread().block_on(async move { caught(move || drop(inner)) })
}
// ANCHOR_END: nested

/// What a `reqwest::blocking` call inside a task did, and the heartbeat's worst lag meanwhile.
#[derive(Debug, Clone)]
pub struct BlockingCall {
    /// `Ok(status)` or `Err(the panic's message)`.
    pub outcome: Result<u16, String>,
    pub worst_lag: Duration,
}

/// Calls the local server's `/delay/{DELAY}` with `reqwest::blocking` from a task.
pub fn blocking_client_inside(server: &LocalServer) -> BlockingCall {
    // Built and dropped outside async code: both wait on the client's own thread.
    let client = local_server::client::blocking(Duration::from_secs(5)).expect("a client");
    let url = server.url(&format!("/delay/{}", DELAY.as_millis()));
    let call = current_thread().block_on(async {
        let heartbeat = Heartbeat::start(crate::blocking::PERIOD);
        tokio::time::sleep(crate::blocking::PERIOD).await;
        // ANCHOR: blocking_client
        let outcome = caught(|| client.get(&url).send().map(|r| r.status().as_u16()));
        // ANCHOR_END: blocking_client
        tokio::time::sleep(crate::blocking::PERIOD * 2).await;
        let beats = heartbeat.stop().await;
        BlockingCall {
            outcome: outcome.map(|r| r.unwrap_or(0)),
            worst_lag: beats.worst(),
        }
    });
    drop(client);
    call
}

/// Shows the panics of a runtime started or dropped inside another, and what a blocking HTTP
/// client does inside async code in this build.
pub fn runtime_in_runtime() -> Section {
    let mut section = Section::new("runtime-in-runtime", "A runtime inside a runtime").about(
        "A task calls block_on on a second runtime, then drops one; each panic is caught and its \
         message shown. Then a task calls reqwest::blocking on the local server (answering after \
         100 ms) while the heartbeat measures the runtime.",
    );
    let server = LocalServer::start().expect("the local server starts");
    let (nested, dropped, call) = with_silent_panics(|| {
        (
            block_on_inside(),
            drop_inside(),
            blocking_client_inside(&server),
        )
    });
    for (what, result) in [
        ("block_on inside a task", &nested),
        ("drop inside a task", &dropped),
    ] {
        section.check(
            result.is_err(),
            phrase!(
                "{} panicked: \"{}\"",
                what,
                result.clone().err().unwrap_or_default()
            ),
        );
    }
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let did = match &call.outcome {
        Err(message) => format!("panicked: \"{message}\""),
        Ok(status) => format!("answered {status} and parked the runtime's thread meanwhile"),
    };
    section.result(phrase!(
        "reqwest::blocking inside a task, in this {} build: {}",
        Measured::Machine(build.to_string()),
        Measured::Varies(did)
    ));
    let mut table = Table::new(&[
        ("call", "inside a task"),
        ("build", "build"),
        ("worst_lag_s", "heartbeat's worst lag"),
    ]);
    table.row(vec![
        "reqwest::blocking GET".into(),
        Measured::Machine(build.to_string()).into(),
        Measured::Time(call.worst_lag).into(),
    ]);
    section.table("Measured", table);
    section.verdict(phrase!(
        "tokio refuses to block a thread that drives a runtime. reqwest checks only in debug \
         builds: {}",
        Measured::Varies(match call.outcome {
            Err(_) => "this one panicked before the request went out.".to_string(),
            Ok(_) => format!(
                "this release build let the request park the runtime's only thread; its \
                 heartbeat was {} late.",
                Measured::Time(call.worst_lag)
            ),
        })
    ));
    section
}
