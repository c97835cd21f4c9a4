//! What the server saw, counted on the server's side.
//!
//! A client can claim it never has more than ten requests in flight; the server can check. A
//! request is *in flight* from the moment its head has been read until the last frame of its
//! response body has been handed to the connection (hyper 1.x), or until the client gave up on
//! it. Handed over is not yet written: a short body (`/delay`, a text) is handed over with the
//! head, and a large one (`/bytes`) mostly fits in loopback socket buffers, so for those the
//! request is done on the server before the client has read the body. A client that releases its
//! permit once the head is in, before reading the body, is caught only when the body itself takes
//! time to produce: `/drip/{chunks}/{ms}` holds the count until its last chunk.
//!
//! The counters are atomics: handlers on the server's thread update them, and the lesson reads
//! them from its own threads through [`crate::LocalServer::stats`]. When a request stops being in
//! flight, its span goes to [`crate::served`]'s log (kept only if a lesson asked for spans).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use crate::served::{Log, ServedSpan};

/// A snapshot of the server's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Requests whose head was read and routed.
    pub received: u64,
    /// Requests the server answered (any status), response head produced.
    pub answered: u64,
    /// Requests in flight now.
    pub in_flight: u64,
    /// The most requests in flight at once.
    pub peak_in_flight: u64,
    /// TCP connections accepted.
    pub connections: u64,
    /// Connections open now.
    pub open_connections: u64,
    /// Connections that ended in an error: bytes that are not HTTP, a client that hung up
    /// mid-request or mid-response, a request head that never finished.
    pub broken_connections: u64,
    /// Connection tasks that panicked. A correct server keeps this at zero whatever it is sent.
    pub panics: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    received: AtomicU64,
    answered: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    connections: AtomicU64,
    open_connections: AtomicU64,
    broken_connections: AtomicU64,
    panics: AtomicU64,
    /// Each request's span, when it ended (if asked for).
    pub(crate) served: Log,
}

impl Counters {
    /// A request for `route` arrives: it is in flight until the returned guard is dropped.
    pub(crate) fn enter(self: &Arc<Self>, route: &'static str) -> InFlight {
        let received = Instant::now();
        self.received.fetch_add(1, Relaxed);
        let now = self.in_flight.fetch_add(1, Relaxed) + 1;
        self.peak_in_flight.fetch_max(now, Relaxed);
        InFlight {
            counters: Arc::clone(self),
            route,
            received,
            whole: false,
        }
    }

    pub(crate) fn answered(&self) {
        self.answered.fetch_add(1, Relaxed);
    }

    /// A connection is accepted: it is open until the returned guard is dropped.
    pub(crate) fn open(self: &Arc<Self>) -> OpenConnection {
        self.connections.fetch_add(1, Relaxed);
        self.open_connections.fetch_add(1, Relaxed);
        OpenConnection(Arc::clone(self))
    }

    pub(crate) fn broken(&self) {
        self.broken_connections.fetch_add(1, Relaxed);
    }

    pub(crate) fn panicked(&self) {
        self.panics.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            received: self.received.load(Relaxed),
            answered: self.answered.load(Relaxed),
            in_flight: self.in_flight.load(Relaxed),
            peak_in_flight: self.peak_in_flight.load(Relaxed),
            connections: self.connections.load(Relaxed),
            open_connections: self.open_connections.load(Relaxed),
            broken_connections: self.broken_connections.load(Relaxed),
            panics: self.panics.load(Relaxed),
        }
    }

    /// Zero for the totals; the gauges (in flight, open) keep counting what is still there.
    pub(crate) fn reset(&self) {
        for total in [
            &self.received,
            &self.answered,
            &self.connections,
            &self.broken_connections,
            &self.panics,
        ] {
            total.store(0, Relaxed);
        }
        self.peak_in_flight
            .store(self.in_flight.load(Relaxed), Relaxed);
    }
}

/// One request in flight; dropping it (response sent, or the client gone) ends it.
#[derive(Debug)]
pub(crate) struct InFlight {
    counters: Arc<Counters>,
    route: &'static str,
    received: Instant,
    whole: bool,
}

impl InFlight {
    /// The whole body has been handed to the connection: the request ends as served.
    pub(crate) fn sent(&mut self) {
        self.whole = true;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.counters.in_flight.fetch_sub(1, Relaxed);
        self.counters.served.push(ServedSpan {
            route: self.route,
            received: self.received,
            ended: Instant::now(),
            whole: self.whole,
        });
    }
}

/// One open connection.
#[derive(Debug)]
pub(crate) struct OpenConnection(Arc<Counters>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open_connections.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_most_in_flight_at_once_and_survives_their_end() {
        let counters = Arc::new(Counters::default());
        let first = counters.enter("delay");
        let second = counters.enter("delay");
        drop(first);
        let third = counters.enter("delay");
        drop((second, third));
        let stats = counters.snapshot();
        assert_eq!((stats.received, stats.in_flight), (3, 0));
        assert_eq!(stats.peak_in_flight, 2);
    }

    #[test]
    fn a_reset_keeps_what_is_still_in_flight() {
        let counters = Arc::new(Counters::default());
        let waiting = counters.enter("delay");
        let _done = counters.enter("delay");
        drop(_done);
        counters.reset();
        let stats = counters.snapshot();
        assert_eq!(
            (stats.received, stats.in_flight, stats.peak_in_flight),
            (0, 1, 1)
        );
        drop(waiting);
        assert_eq!(counters.snapshot().in_flight, 0);
    }
}
