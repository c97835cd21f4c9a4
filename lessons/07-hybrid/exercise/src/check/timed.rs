//! The timed batch: a pipeline's time against its ideal, judged only on a machine that is free.

use std::time::Duration;

use lesson_kit::capacity::Prober;
use lesson_kit::exercise::Sandbox;
use lesson_kit::value::format_duration;

use super::expected::every_result;
use super::{BUSY_TRIES, Judge, Judged, TRIES, wrong};

/// The CPU time the timed batch aims at, spread over two cores: long enough to time, short
/// enough to keep the check quick.
const TIMED_CPU: Duration = Duration::from_millis(600);
/// A pipeline has a download in flight for most of the time its thumbnails are made; two
/// phases, or batches of them, never.
const MIN_OVERLAP: f64 = 0.1;

impl Judge {
    /// Photos in the timed batch: [`TIMED_CPU`] of thumbnails.
    pub(super) fn timed_photos(&self) -> usize {
        let photos = TIMED_CPU.as_secs_f64() / self.costs.thumbnail.as_secs_f64().max(1e-4);
        photos.round().clamp(12.0, 80.0) as usize
    }

    /// Photos whose download takes a quarter of a thumbnail: two workers set the pace, and a
    /// pipeline with one worker takes twice its ideal. A try too slow while the machine was busy
    /// (the kit's prober: probes before and after it, and what other programs used meanwhile) is
    /// measured again, and never failed for it.
    pub(super) fn close_to_ideal(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let delay = self.download_delay();
        let n = self.timed_photos();
        let download = delay + self.costs.download;
        let cores = lesson_kit::machine::cores().min(2) as f64;
        let (ideal, two_phases) = (
            self.costs.pipeline(n, download, cores),
            self.costs.two_phases(n, download, cores),
        );
        // 40% and 50 ms to spare, but never as far as halfway to one worker's pipeline. Two
        // phases come within 15% of the ideal when downloads are short, too close to tell from a
        // pipeline by time on 2 shared cores; the overlap rule and the server's count of requests
        // (below) are what reject them.
        let costs = self.costs.clone();
        let allowed = |on: f64| {
            let (ideal, one_worker) = (
                costs.pipeline(n, download, on),
                costs.pipeline(n, download, 1.0),
            );
            (ideal.mul_f64(1.4) + Duration::from_millis(50)).min((ideal + one_worker) / 2)
        };
        let (mut took, mut obtained) = (Vec::new(), Vec::new());
        let mut busy = false;
        while took.len() < BUSY_TRIES {
            let cases = self.photos(n, delay.as_millis() as u64);
            let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
            let mut prober = Prober::new(2);
            prober.probe();
            prober.probe();
            self.server.reset_stats();
            let seen = prober.watch(|| self.batch(sandbox, &urls, &[]));
            let requests = self.server.stats().received;
            prober.probe();
            prober.probe();
            let capacity = prober.finish();
            busy = capacity.busy();
            let seen = match seen {
                // Every photo downloads and the earlier checks passed: a busy machine may
                // explain a batch this late; an answer that waits for ever is still reported.
                Err(Judged::Stuck(why)) if busy => {
                    return Err(Judged::Busy(why));
                }
                seen => seen?,
            };
            every_result(&cases, &seen.reply)?;
            // Each photo downloaded once: downloads made only to look busy (the same photo
            // again while thumbnails are made) would fool the overlap below.
            if requests > n as u64 {
                return wrong(format!(
                    "the server received {requests} requests for {n} photos: download each \
                     photo once"
                ));
            }
            // The structure first: it does not depend on the machine's load.
            let overlap = seen.reply.counts.overlap;
            if overlap < MIN_OVERLAP {
                return wrong(format!(
                    "downloads and thumbnails ran at the same time for only {:.0}% of the time \
                     thumbnails were being made: the answer downloads photos, then makes their \
                     thumbnails (all of them at once, or a few at a time). Make the thumbnail of \
                     one photo while the next one downloads",
                    overlap * 100.0
                ));
            }
            // The ideal on the cores this try obtained: min(workers, cores, measured capacity).
            let mut got = capacity.obtained().unwrap_or(cores).clamp(1.0, cores);
            if seen.wall <= allowed(cores) {
                // Fast enough for the whole machine: whatever the probes said, it had the cores.
                got = cores;
            }
            let ideal_here = self.costs.pipeline(n, download, got);
            if seen.wall <= allowed(got) {
                let on = if got > cores - 0.05 {
                    format!("{cores} cores")
                } else {
                    format!("the {got:.2} of {cores} cores other programs left")
                };
                return Ok(format!(
                    "{n} photos, each {} to download and {} to make into a thumbnail: {} \
                     against a pipeline's ideal of {} on {on} (two phases: {}); a download was \
                     in flight during {:.0}% of the thumbnails' time",
                    format_duration(download),
                    format_duration(self.costs.thumbnail),
                    format_duration(seen.wall),
                    format_duration(ideal_here),
                    format_duration(self.costs.two_phases(n, download, got)),
                    overlap * 100.0
                ));
            }
            took.push(seen.wall);
            obtained.push(got);
            // Slow while other programs took the cores: measured again, and never failed for it.
            if took.len() >= TRIES && !busy {
                break;
            }
        }
        let fastest = took.iter().min().copied().unwrap_or_default();
        if busy {
            let least = obtained.iter().copied().fold(f64::MAX, f64::min);
            return Err(Judged::Busy(format!(
                "the batch took {} at best of {} tries, the ideal is {} on {cores} cores; \
                 other programs left as few as {least:.2} cores",
                format_duration(fastest),
                took.len(),
                format_duration(ideal)
            )));
        }
        let how = if fastest >= two_phases.mul_f64(0.85) {
            format!(
                "about as long as downloading everything, then making every thumbnail ({}), \
                 or as one worker making them: make the thumbnail of one photo while the next \
                 downloads, on {cores} workers",
                format_duration(two_phases)
            )
        } else {
            "do the workers wait for each other, or hold a lock while making a thumbnail?"
                .to_string()
        };
        wrong(format!(
            "{n} photos took {} at best of {} tries, against a pipeline's ideal of {} (allowed \
             up to {}): {how}",
            format_duration(fastest),
            took.len(),
            format_duration(ideal),
            format_duration(allowed(cores))
        ))
    }
}
