//! When each download and each thumbnail ran, recorded by `download` and `make_thumbnail`, so the
//! runner can tell a pipeline from two phases by its structure, whatever the machine's load: in a
//! pipeline, photos download while thumbnails are being made; in two phases (or in batches of
//! two phases), never.

use std::sync::Mutex;
use std::time::Instant;

/// One download or one thumbnail, from its start to its end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: Instant,
    pub end: Instant,
    pub download: bool,
}

static SPANS: Mutex<Vec<Span>> = Mutex::new(Vec::new());

/// Records a download (or a thumbnail) that started at `start` and ends now.
pub(crate) fn record(start: Instant, download: bool) {
    let span = Span {
        start,
        end: Instant::now(),
        download,
    };
    SPANS.lock().unwrap_or_else(|p| p.into_inner()).push(span);
}

/// Forgets every span recorded so far.
pub(crate) fn reset() {
    SPANS.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// The share of the time thumbnails were being made during which a download was in flight too.
pub(crate) fn overlap() -> f64 {
    overlap_of(&SPANS.lock().unwrap_or_else(|p| p.into_inner()))
}

/// [`overlap`] of these spans: 0 when no thumbnail was made.
fn overlap_of(spans: &[Span]) -> f64 {
    // Each span opens at its start and closes at its end; sweep through them in time order.
    let mut events: Vec<(Instant, i32, bool)> = Vec::with_capacity(spans.len() * 2);
    for span in spans {
        events.push((span.start, 1, span.download));
        events.push((span.end, -1, span.download));
    }
    events.sort_by_key(|&(at, step, _)| (at, step));
    let (mut downloads, mut thumbnails) = (0, 0);
    let (mut both, mut making) = (0.0, 0.0);
    for pair in events.windows(2) {
        let (at, step, download) = pair[0];
        *(if download {
            &mut downloads
        } else {
            &mut thumbnails
        }) += step;
        let length = (pair[1].0 - at).as_secs_f64();
        if thumbnails > 0 {
            making += length;
            if downloads > 0 {
                both += length;
            }
        }
    }
    if making > 0.0 { both / making } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn overlap_is_the_share_of_thumbnail_time_with_a_download_in_flight() {
        let t0 = Instant::now();
        let span = |from: u64, to: u64, download: bool| Span {
            start: t0 + Duration::from_millis(from),
            end: t0 + Duration::from_millis(to),
            download,
        };
        // Two phases: downloads 0-40, thumbnails 40-100.
        let phases = [span(0, 20, true), span(20, 40, true), span(40, 100, false)];
        assert_eq!(overlap_of(&phases), 0.0);
        // A pipeline: thumbnail 10-50 while downloads run 10-40, then 50-60 alone.
        let pipeline = [
            span(0, 10, true),
            span(10, 40, true),
            span(10, 50, false),
            span(50, 60, false),
        ];
        assert!((overlap_of(&pipeline) - 0.6).abs() < 1e-9);
        assert_eq!(overlap_of(&[]), 0.0);
    }
}
