//! The five batches the judge sends, each a method of [`Judge`], and what it concludes from the
//! results, the runner's counts and its own clock.

use std::time::Duration;

use lesson_kit::capacity::{Capacity, Prober};
use lesson_kit::exercise::Sandbox;
use lesson_kit::value::format_duration;
use local_server::routes::{MAX_IMAGE_ID, PHOTOS};

use super::expected::{Expected, every_result};
use super::{Judge, Judged, MAX_PHOTOS, TRIES, wrong};
use crate::run::TICK;

/// The heartbeat may be this late while only downloads run on the runtime's thread.
const LAG_LIMIT: Duration = Duration::from_millis(20);

impl Judge {
    /// `n` photos, each behind a server delay of `delay_ms`, each URL new, with its checksum.
    pub(super) fn photos(&mut self, n: usize, delay_ms: u64) -> Vec<(String, Expected)> {
        (0..n)
            .map(|_| {
                self.next_id += 1;
                let id = self.next_id;
                let url = self.server.url(&format!("/photo/{id}/{delay_ms}"));
                let checksum = self.costs.checksums[(id % PHOTOS) as usize];
                (url, Expected::Thumbnail(checksum))
            })
            .collect()
    }

    /// The server delay that makes one download take a quarter of a thumbnail: downloads long
    /// enough to overlap (two phases take half as long again as a pipeline), yet quicker than two
    /// workers make thumbnails, so that a queue of one photo keeps both fed and the cores set the
    /// pace. (With stages of equal speed, a queue that short would stall each on the other's
    /// jitter.)
    pub(super) fn download_delay(&self) -> Duration {
        let quarter = self.costs.thumbnail / 4;
        let ms = quarter.saturating_sub(self.costs.download).as_millis() as u64;
        Duration::from_millis(ms)
    }

    pub(super) fn every_thumbnail(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let cases = self.photos(8, 5);
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, &[])?;
        every_result(&cases, &seen.reply)?;
        Ok(format!(
            "{} photos, {} thumbnails, each with the checksum the check made itself",
            urls.len(),
            seen.reply.results.len()
        ))
    }

    pub(super) fn failed_download_reported(
        &mut self,
        sandbox: &mut Sandbox,
    ) -> Result<String, Judged> {
        let mut cases = self.photos(6, 5);
        let missing = self.server.url(&format!("/photo/{}/5", MAX_IMAGE_ID + 1));
        let broken = self.server.url("/status/503");
        cases.insert(2, (missing.clone(), Expected::Failed));
        cases.insert(5, (broken.clone(), Expected::Failed));
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, &[missing, broken])?;
        every_result(&cases, &seen.reply)?;
        Ok(format!(
            "{} URLs: the 2 that cannot be downloaded (a 400, a 503) reported as failed, the \
             other {} made into thumbnails",
            urls.len(),
            urls.len() - 2
        ))
    }

    /// Downloads without a server delay run ahead of the thumbnails: only a bound holds them back.
    pub(super) fn photos_bounded(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let cases = self.photos(24, 0);
        let n = cases.len();
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, &[])?;
        every_result(&cases, &seen.reply)?;
        let peak = seen.reply.counts.peak_photos;
        if let Some(why) = over_the_bound(peak, n, seen.reply.counts.overlap) {
            return wrong(why);
        }
        Ok(format!(
            "{n} photos that download faster than they are made into thumbnails: at most \
             {peak} in memory at once, as the runner counted them"
        ))
    }

    /// The heartbeat, a task on the runner's runtime, wakes every 5 ms; the runner also counts
    /// thumbnails made on the runtime's own thread.
    pub(super) fn runtime_free(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let delay = self.download_delay().as_millis() as u64;
        let mut lags = Vec::new();
        let mut busy = false;
        for _ in 0..TRIES {
            let cases = self.photos(12, delay);
            let n = cases.len();
            let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
            // Watched like the timed batch: did other programs take the cores meanwhile?
            let mut prober = Prober::new(2);
            prober.probe();
            let seen = prober.watch(|| self.batch(sandbox, &urls, &[]));
            prober.probe();
            busy |= prober.finish().busy();
            let seen = seen?;
            every_result(&cases, &seen.reply)?;
            let lag = Duration::from_micros(seen.reply.worst_lag_us);
            let on_runtime = seen.reply.counts.made_on_runtime;
            if on_runtime > 0 {
                return wrong(format!(
                    "{on_runtime} of the {n} thumbnails were made on the runtime's own thread, \
                     in an async task: while one is made no download moves, and the heartbeat \
                     (due every {}) woke up to {} late. Run make_thumbnail on a blocking thread \
                     (tokio::task::spawn_blocking, or threads of your own)",
                    format_duration(TICK),
                    format_duration(lag)
                ));
            }
            if lag <= LAG_LIMIT {
                return Ok(format!(
                    "no thumbnail made on the runtime's thread; the heartbeat (due every {}) \
                     woke at most {} late",
                    format_duration(TICK),
                    format_duration(lag)
                ));
            }
            lags.push(format_duration(lag));
        }
        if busy || Capacity::now(2).busy() {
            return Err(Judged::Busy(format!(
                "the heartbeat woke up to {} late in {TRIES} tries",
                lags.join(", ")
            )));
        }
        wrong(format!(
            "the runtime's thread was blocked: the heartbeat (due every {}) woke {} late in \
             {TRIES} tries, against {} allowed. Something waits without .await \
             (std::thread::sleep, JoinHandle::join, a blocking recv or lock)",
            format_duration(TICK),
            lags.join(", "),
            format_duration(LAG_LIMIT)
        ))
    }
}

/// What the judge says of a batch of `n` photos of which `peak` were in memory at once, `overlap`
/// the share of the thumbnails' time during which a download was in flight: `None` within the
/// bound. Two phases are named only when the runner's spans show them (every photo held, and no
/// thumbnail made while a download was in flight): an unbounded channel may also end up holding
/// every photo on a busy machine, but its thumbnails start while photos still download.
fn over_the_bound(peak: usize, n: usize, overlap: f64) -> Option<String> {
    if peak == n && overlap == 0.0 {
        return Some(format!(
            "all {n} photos were in memory at once (the bound is {MAX_PHOTOS}): downloading \
             everything before making thumbnails keeps every photo. Hand each photo on as soon as \
             it is downloaded, through a bounded channel (tokio::sync::mpsc::channel)"
        ));
    }
    (peak > MAX_PHOTOS).then(|| {
        format!(
            "{peak} of the {n} photos were in memory at once, more than {MAX_PHOTOS}: the \
             downloads ran ahead of the thumbnails. A bounded channel makes the download wait \
             while the queue is full; count every photo held: those in the queue, one in each \
             worker's hands and one waiting to be sent"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_phases_are_named_only_when_no_thumbnail_overlapped_a_download() {
        let phases = over_the_bound(24, 24, 0.0).unwrap();
        assert!(
            phases.starts_with("all 24 photos were in memory at once"),
            "{phases}"
        );
        // Every photo held, but thumbnails were made while photos downloaded: ran ahead.
        let ahead = over_the_bound(24, 24, 0.3).unwrap();
        assert!(ahead.starts_with("24 of the 24 photos were in memory at once, more than 4"));
        assert!(over_the_bound(16, 24, 0.4).unwrap().contains("ran ahead"));
        assert_eq!(over_the_bound(MAX_PHOTOS, 24, 0.5), None);
    }
}
