//! reqwest clients for the lessons, built the lean way.
//!
//! - **No TLS stack.** The workspace takes `reqwest` with `default-features = false`: its default
//!   features (reqwest 0.13) bring rustls with aws-lc-rs, HTTP/2 and the system-proxy lookup, none
//!   of which a lesson on `127.0.0.1` uses. `blocking` is the one feature added, for the lessons'
//!   sequential and thread-pool variants. CI checks that no TLS crate is in the build.
//! - **No proxy.** Even without its `system-proxy` feature, reqwest 0.13.5 reads `HTTP_PROXY`,
//!   `ALL_PROXY` and `NO_PROXY` from the environment when a client is built (`ClientBuilder::build`
//!   adds the matcher of hyper-util 0.1's `Matcher::from_system`, which reads them; the feature
//!   adds only the macOS and Windows settings). A learner behind a proxy would send the lesson's
//!   requests for `127.0.0.1` to it. `.no_proxy()` turns that off, on every client.
//! - **Timeouts.** Every request has a deadline, so a stalled server can delay a lesson but never
//!   hang it.
//! - **One client, reused.** A client owns a pool of open connections; building one per request
//!   throws the pool away and pays a new TCP handshake every time. Build one, clone it into tasks
//!   (a clone shares the pool).
//!
//! A blocking client runs a runtime on a thread of its own and joins it when dropped; drop it
//! outside async code, as reqwest requires.

use std::time::Duration;

/// The longest a connection may take to open. On loopback it takes microseconds; the limit is for
/// a learner who points a lesson at a real service.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An async client: no proxy, each request over within `timeout`.
pub fn asynchronous(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .build()
}

/// A blocking client: no proxy, each request over within `timeout`.
pub fn blocking(timeout: Duration) -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .build()
}
