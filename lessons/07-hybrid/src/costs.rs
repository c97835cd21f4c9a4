//! The two costs every ideal is built from, measured on this run: the downloads alone at the
//! chosen concurrency, and every thumbnail made on one thread. Both by their minimum over the
//! repetitions: each is the work itself, and the fastest run has the least interference.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lesson_kit::value::format_seconds;
use lesson_kit::{Measured, Phrase, Segment, phrase};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;

use crate::Ctx;
use crate::download::download;
use crate::ways::thumbnail;
use lesson_kit::measure::cpu_time;

#[derive(Debug, Clone, Copy)]
pub struct Costs {
    /// The downloads alone, `concurrency` in flight, no CPU work.
    pub downloads: Duration,
    /// The CPU time the downloads alone used, the client's and the in-process server's: in a
    /// run where the stages overlap, it competes with the thumbnails for the same cores.
    pub download_cpu: Duration,
    /// Every thumbnail, one after the other on one thread.
    pub cpu: Duration,
    pub photos: usize,
    pub concurrency: usize,
    pub channel: usize,
    pub delay: Duration,
}

impl Costs {
    pub fn measure(ctx: &Ctx, runtime: &Runtime, reps: usize) -> Costs {
        let (mut downloads, mut download_cpu, mut cpu) =
            (Duration::MAX, Duration::MAX, Duration::MAX);
        for _ in 0..reps.max(1) {
            let (started, cpu_before) = (Instant::now(), cpu_time());
            let permits = Arc::new(Semaphore::new(ctx.setup.concurrency));
            let photos = runtime.block_on(futures_util::future::join_all(
                (0..ctx.photos.len()).map(|i| {
                    let permits = Arc::clone(&permits);
                    async move {
                        let _permit = permits.acquire().await.expect("never closed");
                        download(ctx, i).await
                    }
                }),
            ));
            downloads = downloads.min(started.elapsed());
            download_cpu = download_cpu.min(cpu_time().saturating_sub(cpu_before));
            let started = Instant::now();
            for photo in photos.into_iter().flatten() {
                let _ = thumbnail(ctx, photo);
            }
            cpu = cpu.min(started.elapsed());
        }
        Costs {
            downloads,
            download_cpu,
            cpu,
            photos: ctx.photos.len(),
            concurrency: ctx.setup.concurrency,
            channel: ctx.setup.channel,
            delay: ctx.setup.delay,
        }
    }

    /// Rounds of downloads: ceil(photos / concurrency).
    pub fn rounds(&self) -> u32 {
        self.photos.div_ceil(self.concurrency.max(1)) as u32
    }

    fn cpu_on(&self, cores: f64) -> Duration {
        self.cpu.div_f64(cores.max(1.0))
    }

    /// All the CPU time of the batch, the downloads' and the thumbnails', spread over the cores.
    fn all_cpu_on(&self, cores: f64) -> Duration {
        (self.cpu + self.download_cpu).div_f64(cores.max(1.0))
    }

    // ANCHOR: ideal
    /// Both stages at once: the larger of the downloads and all the CPU time over the cores,
    /// plus one photo's worth of the other stage (the last thumbnail after the last download, or
    /// the first download before the first thumbnail).
    pub fn overlapped(&self, cores: f64) -> Duration {
        let (download, cpu) = (self.downloads, self.all_cpu_on(cores));
        if download >= cpu {
            download + self.cpu / self.photos.max(1) as u32
        } else {
            cpu + self.downloads / self.rounds().max(1)
        }
    }

    /// One stage after the other: their sum.
    pub fn two_phases(&self, cores: f64) -> Duration {
        self.downloads + self.cpu_on(cores)
    }
    // ANCHOR_END: ideal

    /// The costs and the ideals in one sentence.
    pub fn describe(&self, cores: f64) -> Phrase {
        phrase!(
            "Measured costs: the downloads alone take {} ({} rounds of {} ms at the least) and {} \
             of CPU, the client's and the server's; the thumbnails take {} of CPU on one thread \
             ({} a photo). On {} cores the ideal is {} \
             with the stages overlapped, {} as two phases.",
            Measured::Time(self.downloads),
            Measured::Machine(self.rounds().to_string()),
            self.delay.as_millis() as u64,
            Measured::Time(self.download_cpu),
            Measured::Time(self.cpu),
            Measured::Time(self.cpu / self.photos.max(1) as u32),
            Measured::Varies(format!("{cores:.2}")),
            Measured::Time(self.overlapped(cores)),
            Measured::Time(self.two_phases(cores))
        )
    }
}

/// "12 ms", for text that is the same on every run.
pub fn exact_ms(d: Duration) -> Segment {
    Segment::from(format_seconds(d.as_secs_f64()))
}
