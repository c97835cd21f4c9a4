//! The server's thread: a current-thread runtime, an accept loop, one task per connection.
//!
//! Shutdown is a `watch` channel every wait listens to. When it fires, the accept loop stops,
//! each connection finishes the response it is writing and closes (hyper's graceful shutdown),
//! and handlers that wait answer at once. Whatever has not finished after [`GRACE`] is cancelled
//! (a client that never reads, say), and then the runtime, with no task left, is dropped.

use std::io;
use std::net::TcpListener as StdListener;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinError, JoinSet};

use crate::precise::Timer;
use crate::routes::{State, handle};

/// How long open connections get to finish once shutdown starts.
const GRACE: Duration = Duration::from_secs(1);
/// A client must send a whole request head within this time, or its connection is closed.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The body of the server's thread. Reports on `ready` once it accepts connections.
pub(crate) fn run(listener: StdListener, state: Arc<State>, ready: mpsc::Sender<io::Result<()>>) {
    // One thread, built explicitly: the server never takes a worker per core from the lesson.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => return drop(ready.send(Err(error))),
    };
    runtime.block_on(async {
        match TcpListener::from_std(listener) {
            Ok(listener) => {
                // Without a timerfd (not Linux?), `/delay` falls back to tokio's timer.
                let timed = Timer::new().is_ok_and(|timer| state.timer.set(timer).is_ok());
                let _ = ready.send(Ok(()));
                let timer = async {
                    match (timed, state.timer.get()) {
                        (true, Some(timer)) => timer.run().await,
                        _ => std::future::pending().await,
                    }
                };
                // The timer runs as long as the server, its drain included; it never ends first.
                tokio::select! {
                    () = serve(listener, Arc::clone(&state)) => {}
                    () = timer => {}
                }
            }
            Err(error) => drop(ready.send(Err(error))),
        }
    });
}

async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, Arc::clone(&state)));
                }
                // Out of file descriptors, most likely: wait for connections to close.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(finished) = connections.join_next() => reap(finished, &state),
            () = state.stopping() => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(GRACE, async {
        while let Some(finished) = connections.join_next().await {
            reap(finished, &state);
        }
    });
    if drained.await.is_err() {
        connections.shutdown().await;
    }
}

/// Serves one connection until the client closes it, it breaks, or the server shuts down.
async fn connection(stream: TcpStream, state: Arc<State>) {
    let _open = state.counters.open();
    let service_state = Arc::clone(&state);
    let service = service_fn(move |request| handle(request, Arc::clone(&service_state)));
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = state.stopping() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if result.is_err() {
        state.counters.broken();
    }
}

/// A connection task ended: count it if it panicked.
fn reap(finished: Result<(), JoinError>, state: &State) {
    if finished.is_err_and(|error| error.is_panic()) {
        state.counters.panicked();
    }
}
