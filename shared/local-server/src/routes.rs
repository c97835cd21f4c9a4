//! What each path answers. Every route is a short function; `GET /` lists them.
//!
//! | path | answer |
//! |---|---|
//! | `/delay/{ms}` | `200` after `ms` milliseconds (by the kernel's clock, not tokio's millisecond ticks: see `precise`), at most [`MAX_DELAY_MS`] |
//! | `/bytes/{n}` | `200` with a body of `n` bytes, at most [`MAX_BYTES`] |
//! | `/image/{id}` | `200` with a JPEG photo, `id` at most [`MAX_IMAGE_ID`] |
//! | `/image/{id}/{ms}` | the same photo after `ms` milliseconds, at most [`MAX_DELAY_MS`]: a slow download |
//! | `/photo/{id}/{ms}` | a large JPEG photo (1280x960) after `ms` milliseconds; made on the first request |
//! | `/status/{code}` | that status, from 200 to 599 |
//! | `/flaky/{percent}/{key}` | `503` for about `percent`% of attempts, else `200` (see [`fails`]) |
//! | `/stall` | nothing for [`STALL_MS`], longer than any sensible client timeout |
//! | `/drip/{chunks}/{ms}` | `200` at once, then a body of `chunks` × [`DRIP_CHUNK`] bytes, one chunk every `ms` ms |
//!
//! A parameter that is not a whole number, or is beyond its limit, is refused with a `400` that
//! names the value and the limit; it is never attempted, so `/delay/1000000000000` cannot tie up
//! the server and `/bytes/1000000000000000` cannot exhaust anything. Unknown paths get a `404`,
//! methods other than GET and HEAD a `405`. Everything that waits (`/delay`, `/stall`) also
//! watches for shutdown, so dropping the server never waits for a delay to run out.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::watch;

use crate::flaky::Attempts;
pub use crate::flaky::{MAX_KEY_LEN, MAX_KEYS, MAX_TIMES_KEPT, Seen, fails};
use crate::payload::Payload;
pub use crate::photos::{HEIGHT, LARGE_HEIGHT, LARGE_WIDTH, PHOTOS, WIDTH};
use crate::precise::Timer;
use crate::stats::Counters;

/// The longest `/delay/{ms}`: one minute.
pub const MAX_DELAY_MS: u64 = 60_000;
/// The largest `/bytes/{n}` body: 256 MiB, sent from one shared 64 KiB chunk.
pub const MAX_BYTES: u64 = 256 << 20;
/// The largest `/image/{id}`; there are [`PHOTOS`] different photos, `id % PHOTOS` picks one.
pub const MAX_IMAGE_ID: u64 = 1_000_000;
/// The most chunks of a `/drip` body.
pub const MAX_DRIP_CHUNKS: u64 = 1_000;
/// The longest pause between two chunks of a `/drip` body: one second.
pub const MAX_DRIP_MS: u64 = 1_000;
/// The bytes in one chunk of a `/drip` body.
pub const DRIP_CHUNK: usize = 64;
/// How long `/stall` keeps a request waiting (one hour) unless the server shuts down first.
pub const STALL_MS: u64 = 3_600_000;

/// What the routes share: the photos, the counters, the shutdown signal, `/flaky`'s attempts.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) counters: Arc<Counters>,
    photos: &'static [Bytes],
    filler: Bytes,
    stopping: watch::Receiver<bool>,
    attempts: Attempts,
    /// `/delay`'s timer, set once the server's runtime runs (it needs the runtime's reactor).
    pub(crate) timer: OnceLock<Timer>,
}

impl State {
    pub(crate) fn new(photos: &'static [Bytes], stopping: watch::Receiver<bool>) -> State {
        State {
            counters: Arc::default(),
            photos,
            // Printable, so a learner who looks at a body sees something: "abc...xyz\n" repeated.
            filler: (0..64 * 1024)
                .map(|i| {
                    if i % 27 == 26 {
                        b'\n'
                    } else {
                        b'a' + (i % 27) as u8
                    }
                })
                .collect(),
            stopping,
            attempts: Attempts::default(),
            timer: OnceLock::new(),
        }
    }

    pub(crate) fn attempts_of(&self, key: &str) -> Seen {
        self.attempts.seen(key)
    }

    pub(crate) fn forget_attempts(&self) {
        self.attempts.forget();
    }

    /// Resolves when the server is shutting down (or its handle is gone).
    pub(crate) async fn stopping(&self) {
        let _ = self.stopping.clone().wait_for(|&stop| stop).await;
    }
}

/// Every request goes through here: counted in flight until its body is sent, then routed.
pub(crate) async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Payload>, Infallible> {
    let in_flight = state.counters.enter(route_name(request.uri().path()));
    let response = match route(&request, &state).await {
        Ok(response) => response,
        Err(Refusal(status, why)) => text(status, why),
    };
    state.counters.answered();
    Ok(response.map(|body| body.counted(in_flight)))
}

/// The route `path` goes to, named by its first segment: `"photo"` for `/photo/3/12`.
fn route_name(path: &str) -> &'static str {
    let first = path.strip_prefix('/').unwrap_or(path).split('/').next();
    const ROUTES: [&str; 9] = [
        "delay", "bytes", "image", "photo", "status", "flaky", "stall", "drip", "",
    ];
    match ROUTES.iter().find(|&&route| Some(route) == first) {
        Some(&"") => "index",
        Some(route) => route,
        None => "other",
    }
}

/// A route's answer, or its refusal of the request (a status and why), which `?` returns early.
type Answer = Result<Response<Payload>, Refusal>;

struct Refusal(StatusCode, String);

async fn route(request: &Request<Incoming>, state: &State) -> Answer {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Err(Refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD\n".into(),
        ));
    }
    let path = request.uri().path();
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    match segments.as_slice() {
        [""] => Ok(text(StatusCode::OK, INDEX)),
        ["delay", ms] => delay(ms, state).await,
        ["bytes", n] => bytes(n, state),
        ["image", id] => image(id, state),
        ["image", id, ms] => slow_image(id, ms, state).await,
        ["photo", id, ms] => large_photo(id, ms, state).await,
        ["status", code] => status(code),
        ["flaky", percent, key] => flaky(percent, key, state),
        ["stall"] => stall(state).await,
        ["drip", chunks, ms] => drip(chunks, ms, state),
        _ => Err(Refusal(
            StatusCode::NOT_FOUND,
            format!("no route for {path}; try /\n"),
        )),
    }
}

const INDEX: &str = "local-server: /delay/{ms} /bytes/{n} /image/{id} /image/{id}/{ms} /photo/{id}/{ms} /status/{code} \
                     /flaky/{percent}/{key} /stall /drip/{chunks}/{ms}\n";

/// Answers after `ms` milliseconds, the stand-in for a slow web service.
async fn delay(ms: &str, state: &State) -> Answer {
    let ms = number("delay", ms, 0, MAX_DELAY_MS)?;
    let deadline = Instant::now() + Duration::from_millis(ms);
    // tokio's own timer would answer up to 2 ms late (see `precise`); it is the fallback only.
    let waited = async {
        match state.timer.get() {
            Some(timer) => timer.sleep_until(deadline).await,
            None => tokio::time::sleep_until(deadline.into()).await,
        }
    };
    tokio::select! {
        () = waited => {
            Ok(text(StatusCode::OK, format!("waited {ms} ms\n")))
        }
        () = state.stopping() => Err(shutting_down()),
    }
}

/// A body of exactly `n` bytes, streamed from one shared chunk.
fn bytes(n: &str, state: &State) -> Answer {
    let n = number("bytes", n, 0, MAX_BYTES)?;
    let body = Payload::repeat(state.filler.clone(), n);
    Ok(with_type(StatusCode::OK, body, "application/octet-stream"))
}

/// A JPEG photo, encoded when the server started.
fn image(id: &str, state: &State) -> Answer {
    let id = number("image id", id, 0, MAX_IMAGE_ID)?;
    let photo = state.photos[(id % PHOTOS) as usize].clone();
    Ok(with_type(
        StatusCode::OK,
        Payload::once(photo),
        "image/jpeg",
    ))
}

/// The photo of `/image/{id}`, after `ms` milliseconds: a download that takes time, as one from
/// a real web service does, without costing the server any CPU while it waits.
async fn slow_image(id: &str, ms: &str, state: &State) -> Answer {
    let ms = number("delay", ms, 0, MAX_DELAY_MS)?;
    let photo = image(id, state)?;
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => Ok(photo),
        () = state.stopping() => Err(shutting_down()),
    }
}

/// A large photo after `ms` milliseconds: the photos are made on the first request (about
/// 0.1 s of CPU on the server's thread; a lesson asks for one before it measures).
async fn large_photo(id: &str, ms: &str, state: &State) -> Answer {
    let id = number("photo id", id, 0, MAX_IMAGE_ID)?;
    let ms = number("delay", ms, 0, MAX_DELAY_MS)?;
    let photo = crate::photos::large()[(id % PHOTOS) as usize].clone();
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => {
            Ok(with_type(StatusCode::OK, Payload::once(photo), "image/jpeg"))
        }
        () = state.stopping() => Err(shutting_down()),
    }
}

/// The status code asked for, with a one-line body (none where HTTP forbids one).
fn status(code: &str) -> Answer {
    let code = number("status", code, 200, 599)?;
    let status = StatusCode::from_u16(code as u16).expect("200..=599 are valid status codes");
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
        return Ok(with_type(status, Payload::once(Bytes::new()), "text/plain"));
    }
    Ok(text(status, format!("status {code}\n")))
}

/// Fails about `percent`% of attempts with a `503`, deterministically: the server counts the
/// attempts it has seen for each key, and whether attempt `n` of `key` fails depends on nothing
/// but `key` and `n`. So a run that asks the same URLs in the same order sees the same failures,
/// and a client that retries a failed key gets a new attempt that may succeed. `percent` 100
/// fails every attempt (a permanent fault), 0 none. The attempt number is in `x-attempt`.
fn flaky(percent: &str, key: &str, state: &State) -> Answer {
    let percent = number("percent", percent, 0, 100)?;
    if key.len() > MAX_KEY_LEN {
        let why = format!(
            "a key of {} bytes is longer than {MAX_KEY_LEN}\n",
            key.len()
        );
        return Err(Refusal(StatusCode::BAD_REQUEST, why));
    }
    let attempt = state
        .attempts
        .next(key)
        .map_err(|why| Refusal(StatusCode::TOO_MANY_REQUESTS, why))?;
    let mut response = if fails(key, attempt, percent) {
        text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("attempt {attempt} of {key} failed\n"),
        )
    } else {
        text(
            StatusCode::OK,
            format!("attempt {attempt} of {key} succeeded\n"),
        )
    };
    response
        .headers_mut()
        .insert("x-attempt", HeaderValue::from(attempt));
    Ok(response)
}

/// The head at once, then the body one chunk at a time, `ms` apart: a body that takes
/// `(chunks - 1) * ms` to read. The request stays in flight on the server until the last chunk
/// is sent, so a client that counts it done once the head is in is caught by the peak.
fn drip(chunks: &str, ms: &str, state: &State) -> Answer {
    let chunks = number("chunks", chunks, 1, MAX_DRIP_CHUNKS)?;
    let ms = number("drip interval", ms, 0, MAX_DRIP_MS)?;
    let chunk = state.filler.slice(..DRIP_CHUNK);
    let body = Payload::drip(chunk, chunks, Duration::from_millis(ms));
    Ok(with_type(StatusCode::OK, body, "text/plain; charset=utf-8"))
}

/// Keeps the request waiting for an hour, or until the server shuts down.
async fn stall(state: &State) -> Answer {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(STALL_MS)) => {
            Ok(text(StatusCode::OK, "stalled for an hour\n"))
        }
        () = state.stopping() => Err(shutting_down()),
    }
}

/// `text` as a whole number from `min` to `max`, or the `400` that says what is allowed.
fn number(what: &str, text_value: &str, min: u64, max: u64) -> Result<u64, Refusal> {
    match text_value.parse::<u64>() {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        _ => {
            let shown: String = text_value.chars().take(40).collect();
            let why = format!("{what} must be a whole number from {min} to {max}, not {shown:?}\n");
            Err(Refusal(StatusCode::BAD_REQUEST, why))
        }
    }
}

fn shutting_down() -> Refusal {
    let why = "the server is shutting down\n".into();
    Refusal(StatusCode::SERVICE_UNAVAILABLE, why)
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Payload> {
    with_type(status, Payload::once(body), "text/plain; charset=utf-8")
}

fn with_type(status: StatusCode, body: Payload, content_type: &'static str) -> Response<Payload> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let value = HeaderValue::from_static(content_type);
    response.headers_mut().insert(CONTENT_TYPE, value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_their_limit_are_refused_with_the_limit_named() {
        assert_eq!(number("delay", "60000", 0, MAX_DELAY_MS).ok(), Some(60_000));
        for absurd in [
            "1000000000000",
            "-1",
            "abc",
            "",
            "1e3",
            "99999999999999999999999",
        ] {
            let Refusal(status, why) = number("delay", absurd, 0, MAX_DELAY_MS).unwrap_err();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{absurd}");
            assert!(why.contains("from 0 to 60000"), "{why}");
        }
    }
}
