//! When the server served each request, timed on the server's side.
//!
//! A client's own timing of a download ends when the client *notices* it has the whole body, and
//! an async client notices only when its task is polled again: a task that waits for a runtime
//! thread busy with something else keeps its download "open" long after the bytes arrived. The
//! server knows when it was working on a request. A span here runs from the moment the request's
//! head was read until the request stopped being in flight as [`crate::stats`] defines it: its
//! last body frame handed to hyper's connection, or the client gone first. Hyper 1.x polls the
//! body as soon as the head is buffered, so a body of one frame (a photo) is handed over as soon
//! as it is produced: the span ends before the bytes are written to the socket, not after.
//!
//! The times are [`Instant`]s: the server runs in the lesson's own process, so they compare with
//! the lesson's own `Instant::now()`.
//!
//! Keeping spans is off until [`crate::LocalServer::record_served`] turns it on, so a lesson that
//! does not ask (lesson 05 measures memory per request) pays one atomic load per request and
//! allocates nothing. When on, each finished request takes a lock once and pushes one span: the
//! server has one thread, so the only contention is a reader taking the spans now and then, and
//! a lock held for one push costs far less than the request itself (a parse, a route, a
//! response). At most [`MAX_SERVED_KEPT`] spans are kept; later ones are counted as dropped.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// The most spans kept between two takes: under a megabyte.
pub const MAX_SERVED_KEPT: usize = 10_000;

/// One request, as the server served it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedSpan {
    /// The route that answered: `"photo"` for `/photo/{id}/{ms}`, `"delay"`, ..., `"other"` for a
    /// path no route knows.
    pub route: &'static str,
    /// When its head had been read.
    pub received: Instant,
    /// When its last body frame was handed to the connection, or the client went away.
    pub ended: Instant,
    /// Whether the whole body was handed over: false when the client went away first, and for
    /// a HEAD request, whose body hyper drops unsent.
    pub whole: bool,
}

/// The spans kept since recording started or since the last take, oldest end first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Served {
    pub spans: Vec<ServedSpan>,
    /// Requests that ended while [`MAX_SERVED_KEPT`] spans were already kept.
    pub dropped: u64,
}

/// The server's log of spans: off until turned on, bounded by a cap.
#[derive(Debug)]
pub(crate) struct Log {
    on: AtomicBool,
    cap: usize,
    kept: Mutex<Served>,
}

impl Default for Log {
    fn default() -> Self {
        Log::with_cap(MAX_SERVED_KEPT)
    }
}

impl Log {
    pub(crate) fn with_cap(cap: usize) -> Log {
        Log {
            on: AtomicBool::new(false),
            cap,
            kept: Mutex::default(),
        }
    }

    /// Keeps spans from now on, starting from none; or keeps no more.
    pub(crate) fn record(&self, on: bool) {
        if on {
            self.clear();
        }
        self.on.store(on, Relaxed);
    }

    /// A request ended: kept if recording is on and the cap allows, counted as dropped if not.
    pub(crate) fn push(&self, span: ServedSpan) {
        if !self.on.load(Relaxed) {
            return;
        }
        let mut kept = self.lock();
        if kept.spans.len() < self.cap {
            kept.spans.push(span);
        } else {
            kept.dropped += 1;
        }
    }

    /// The spans kept so far, which are forgotten; recording goes on if it was on.
    pub(crate) fn take(&self) -> Served {
        std::mem::take(&mut *self.lock())
    }

    pub(crate) fn clear(&self) {
        drop(self.take());
    }

    fn lock(&self) -> MutexGuard<'_, Served> {
        // A push never panics while holding the lock; if one did, the spans are still whole.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> ServedSpan {
        let now = Instant::now();
        ServedSpan {
            route: "delay",
            received: now,
            ended: now,
            whole: true,
        }
    }

    #[test]
    fn nothing_is_kept_until_recording_starts() {
        let log = Log::with_cap(4);
        log.push(span());
        assert_eq!(log.take(), Served::default());
        log.record(true);
        log.push(span());
        assert_eq!(log.take().spans.len(), 1);
        assert_eq!(log.take(), Served::default(), "a take forgets what it took");
        log.record(false);
        log.push(span());
        assert_eq!(log.take(), Served::default());
    }

    #[test]
    fn beyond_the_cap_spans_are_counted_not_kept() {
        let log = Log::with_cap(2);
        log.record(true);
        for _ in 0..5 {
            log.push(span());
        }
        let served = log.take();
        assert_eq!((served.spans.len(), served.dropped), (2, 3));
        log.push(span());
        let again = log.take();
        assert_eq!((again.spans.len(), again.dropped), (1, 0));
    }
}
