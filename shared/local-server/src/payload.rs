//! The one body type every response has: `len` bytes taken from a chunk held in memory, over and
//! over. A short text is a chunk sent once; a photo is its JPEG sent once; `/bytes/{n}` repeats
//! one 64 KiB chunk, so a large body costs neither memory nor CPU to make (the chunk is shared,
//! each frame is a cheap slice of it).
//!
//! The body also carries the request's [`InFlight`] guard, so a request counts as in flight
//! until its last frame has been handed to hyper (not yet written to the socket), or until the
//! connection drops the body half-sent.
//!
//! A *dripping* body (`/drip`) pauses between its chunks, so it takes a known time to arrive
//! after the response head: a client that stops counting a request as in flight once the head
//! is in, before it has read the body, shows in the server's peak.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::future::Future;

use hyper::body::{Body, Bytes, Frame, SizeHint};

use crate::stats::InFlight;

#[derive(Debug)]
pub struct Payload {
    chunk: Bytes,
    left: u64,
    in_flight: Option<InFlight>,
    /// For a dripping body: each frame is one `chunk`, and the next one waits this long.
    drip: Option<Drip>,
}

#[derive(Debug)]
struct Drip {
    every: Duration,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Payload {
    /// `chunk`, sent once.
    pub fn once(chunk: impl Into<Bytes>) -> Payload {
        let chunk = chunk.into();
        let left = chunk.len() as u64;
        Payload::repeat(chunk, left)
    }

    /// The first `len` bytes of `chunk` repeated end to end. `chunk` must not be empty unless
    /// `len` is 0.
    pub fn repeat(chunk: Bytes, len: u64) -> Payload {
        assert!(
            len == 0 || !chunk.is_empty(),
            "a body needs bytes to repeat"
        );
        Payload {
            chunk,
            left: len,
            in_flight: None,
            drip: None,
        }
    }

    /// `chunk` sent `times` times, the first with the response head, each next one `every`
    /// later: the whole body takes `(times - 1) * every` to arrive. `chunk` must not be empty.
    pub fn drip(chunk: Bytes, times: u64, every: Duration) -> Payload {
        assert!(!chunk.is_empty(), "a body needs bytes to drip");
        let len = chunk.len() as u64 * times;
        Payload {
            drip: Some(Drip { every, pause: None }),
            ..Payload::repeat(chunk, len)
        }
    }

    /// The same body, counting its request in flight until the body is done.
    pub fn counted(mut self, mut in_flight: InFlight) -> Payload {
        if self.left == 0 {
            in_flight.sent(); // no bytes to send: hyper may drop it without a poll
        }
        self.in_flight = Some(in_flight);
        self
    }

    /// The last frame is handed over: the request is no longer in flight, and was served whole.
    fn served(&mut self) {
        if let Some(mut in_flight) = self.in_flight.take() {
            in_flight.sent();
        }
    }
}

impl Body for Payload {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            self.served();
            return Poll::Ready(None);
        }
        if let Some(drip) = &mut self.drip {
            // The pause before this chunk (none before the first), then the pause before the next.
            if let Some(pause) = &mut drip.pause
                && pause.as_mut().poll(context).is_pending()
            {
                return Poll::Pending;
            }
            drip.pause = Some(Box::pin(tokio::time::sleep(drip.every)));
        }
        let take = self.left.min(self.chunk.len() as u64);
        self.left -= take;
        if self.left == 0 {
            // The last frame: hyper may not poll again once `is_end_stream` says so.
            self.served();
        }
        Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..take as usize)))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}
