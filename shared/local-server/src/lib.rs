//! # local-server: the web server the fetching lessons start for themselves
//!
//! The Python articles fetch from public test services. A lesson cannot: it must run offline and
//! give the same answers on every run. So it starts this server in its own process, on
//! `127.0.0.1` with a port the operating system picks, and fetches from that.
//!
//! The server runs on a thread of its own with a current-thread tokio runtime of its own. A lesson
//! that blocks its own runtime on purpose (lesson 06 does) stalls its own tasks, not the server
//! it measures against. Dropping the [`LocalServer`] handle stops the server: waiting requests are
//! answered at once, connections are closed, and the thread is joined, so nothing outlives it.
//!
//! What it offers:
//!
//! - [`routes`]: what each path answers (delays, bodies, photos, chosen statuses, deterministic
//!   failures, a stall), and the limits beyond which a parameter is refused with a 400.
//! - [`stats`]: what the server saw, above all the most requests in flight at once, so a lesson
//!   or an exercise check can prove a concurrency limit from the server's side.
//! - [`served`]: when each request was received and when its body was handed over, timed by the
//!   server, for a lesson that asks ([`LocalServer::record_served`]).
//! - [`refused_url`]: an address where nothing listens, for "connection refused".
//! - [`client`]: reqwest clients built the lean way, for the lessons.
//!
//! ```
//! let server = local_server::LocalServer::start().unwrap();
//! let client = local_server::client::blocking(std::time::Duration::from_secs(5)).unwrap();
//! let text = client.get(server.url("/delay/10")).send().unwrap().text().unwrap();
//! assert_eq!(text, "waited 10 ms\n");
//! assert_eq!(server.stats().answered, 1);
//! ```

pub mod client;
mod flaky;
mod payload;
mod photos;
mod precise;
pub mod routes;
mod serve;
pub mod served;
pub mod stats;

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use tokio::sync::watch;

pub use reqwest;
pub use served::{Served, ServedSpan};
pub use stats::Stats;

/// A running server. Dropping it shuts the server down and joins its thread.
#[derive(Debug)]
pub struct LocalServer {
    address: SocketAddr,
    state: Arc<routes::State>,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl LocalServer {
    /// Starts a server on `127.0.0.1` with a port the OS assigns, and returns once it accepts
    /// connections. The first server of a process also encodes the photos of `/image/{id}`
    /// (about 0.1 s of CPU time, debug or release), so that no request pays for them.
    pub fn start() -> io::Result<LocalServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let (stop, stopping) = watch::channel(false);
        let state = Arc::new(routes::State::new(photos::all(), stopping));
        let (ready, started) = mpsc::channel();
        let server_state = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("local-server".into())
            .spawn(move || serve::run(listener, server_state, ready))?;
        match started.recv() {
            Ok(Ok(())) => Ok(LocalServer {
                address,
                state,
                stop,
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other(
                    "the server thread ended before it started",
                ))
            }
        }
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The full URL of `path`, which starts with `/`: `server.url("/delay/50")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// What the server has counted since it started or since [`LocalServer::reset_stats`].
    pub fn stats(&self) -> Stats {
        self.state.counters.snapshot()
    }

    /// How many attempts of `/flaky/{percent}/{key}` the server has seen for `key`, and when they
    /// arrived (the first [`routes::MAX_TIMES_KEPT`]), since it started or since
    /// [`LocalServer::reset_stats`]: an exercise check reads a client's back-off from them.
    pub fn flaky_attempts(&self, key: &str) -> routes::Seen {
        self.state.attempts_of(key)
    }

    /// Starts the counts afresh, as if the server had just started: counters to zero, the peak to
    /// the requests in flight now, `/flaky` forgets the attempts it has seen, and the spans kept
    /// so far (if [`LocalServer::record_served`] asked for them) are forgotten.
    pub fn reset_stats(&self) {
        self.state.counters.reset();
        self.state.forget_attempts();
        self.state.counters.served.clear();
    }

    /// With `true`, keeps from now on the span of every request that ends (see [`served`]): when
    /// it was received and when its last body frame was handed to the connection, at most
    /// [`served::MAX_SERVED_KEPT`] between two takes; spans kept before are forgotten. With
    /// `false`, keeps no more (what was kept waits for [`LocalServer::take_served`]).
    pub fn record_served(&self, on: bool) {
        self.state.counters.served.record(on);
    }

    /// The spans of the requests that ended since [`LocalServer::record_served`] turned recording on, the last take or
    /// the last reset, in the order they ended; they are forgotten here, and recording goes on.
    /// Empty unless recording was asked for. A request still in flight is not in it yet.
    pub fn take_served(&self) -> Served {
        self.state.counters.served.take()
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        // Waiting handlers race this signal, so they end now rather than after their delay.
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A URL on `127.0.0.1` where nothing listens, so a request to it fails with "connection
/// refused". It binds a port the OS picks, notes it and closes it again. Another program could
/// take the same port in between; on a machine that is not short of ports that is unlikely, and
/// the lessons report such a request as whatever outcome it really had.
pub fn refused_url() -> io::Result<String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let address = listener.local_addr()?;
    drop(listener);
    Ok(format!("http://{address}"))
}
