//! One measured run of one way: the heartbeat beside it, the server's requests in flight sampled
//! while downloads remain, photos held and threads counted, spans recorded when asked.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use lesson_kit::heartbeat::{Beats, Heartbeat};
use lesson_kit::timeline::{Recorder, Timeline};
use local_server::{LocalServer, reqwest};
use tokio::runtime::Runtime;

use crate::gauge::{Gauge, SAMPLE_EVERY};
use crate::{Done, PhotoUrl, Setup};

/// What every way shares: the client, the batch, the counters, the spans being recorded.
#[derive(Debug)]
pub struct Shared {
    client: Mutex<reqwest::Client>,
    pub photos: Vec<PhotoUrl>,
    pub setup: Setup,
    pub gauge: Arc<Gauge>,
    /// This executable, started again as the process pool's workers.
    pub program: PathBuf,
    spans: Mutex<Option<Spans>>,
}

impl Shared {
    pub fn new(photos: Vec<PhotoUrl>, setup: Setup) -> Shared {
        Shared {
            client: Mutex::new(crate::client()),
            photos,
            setup,
            gauge: Arc::default(),
            program: std::env::current_exe().expect("the lesson's own executable"),
            spans: Mutex::new(None),
        }
    }

    /// The client of this run (a clone shares its connections).
    pub fn client(&self) -> reqwest::Client {
        self.client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A download that started at `started` has just ended.
    pub fn download_span(&self, started: Instant) {
        if let Some(spans) = self
            .spans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            spans.downloads.push((started, Instant::now()));
        }
    }

    /// CPU work on `worker` (a thread, or a worker process) from `started` until now.
    pub fn cpu_span(&self, worker: String, started: Instant) {
        if let Some(spans) = self
            .spans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            spans.cpu.push((worker, started, Instant::now()));
        }
    }
}

/// The spans of one recorded run.
#[derive(Debug, Default)]
struct Spans {
    /// The photo requests as the server served them, from its own clock (see [`served_photos`]).
    served: Vec<(Instant, Instant)>,
    /// The client's download futures, from the first request until the task had the photo.
    downloads: Vec<(Instant, Instant)>,
    cpu: Vec<(String, Instant, Instant)>,
}

/// The photo requests the server served since recording began: from the request's arrival until
/// the server had produced the whole response and handed it to hyper, timed by the server, so a task that was slow to
/// be polled does not stretch them. The server runs in this process: its `Instant`s are ours.
fn served_photos(server: &LocalServer) -> Vec<(Instant, Instant)> {
    let served = server.take_served();
    assert_eq!(served.dropped, 0, "the server kept every span of the run");
    served
        .spans
        .iter()
        .filter(|span| span.route == "photo")
        .map(|span| (span.received, span.ended))
        .collect()
}

/// What one run of one way did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub done: Vec<Done>,
    /// Every wake-up of the heartbeat on the run's runtime.
    pub beats: Beats,
    pub peak_held: usize,
    pub peak_threads: usize,
    /// The most thumbnails being made at once.
    pub peak_working: usize,
    /// The server's requests in flight, on average while downloads remained.
    pub mean_in_flight: f64,
    pub server_peak: u64,
    /// The requests the server received during the run (retries included).
    pub requests: u64,
    /// How far this run raised the process's resident memory above where it started.
    pub rss_added: Option<u64>,
}

/// Runs `way` once on a runtime and a client of its own (so that no run inherits another's
/// threads or connections), with the heartbeat on that runtime and a sampler of the server's
/// requests in flight; with `record`, also returns the timeline of its downloads and CPU work.
/// Dropping the runtime at the end joins its blocking threads.
pub fn measured(
    ctx: &crate::Ctx,
    server: &LocalServer,
    record: Option<(&str, &str)>,
    way: impl FnOnce(&crate::Ctx, &Runtime) -> Vec<Done>,
) -> (Outcome, Option<Timeline>) {
    // malloc_trim, then the peak reset: memory kept from earlier runs does not count in this one.
    let rss = lesson_kit::measure::rss_baseline();
    let runtime = &crate::runtime(ctx.setup.workers);
    *ctx.client.lock().unwrap_or_else(|e| e.into_inner()) = crate::client();
    ctx.gauge.reset();
    server.reset_stats();
    let recorder = record.map(|_| Recorder::new());
    if recorder.is_some() {
        *ctx.spans.lock().unwrap_or_else(|e| e.into_inner()) = Some(Spans::default());
        server.record_served(true);
    }
    let heartbeat = {
        let _on = runtime.enter(); // the heartbeat is a task on this run's runtime
        Heartbeat::start(crate::HEARTBEAT)
    };
    let finished = AtomicBool::new(false);
    let done = std::thread::scope(|s| {
        s.spawn(|| {
            while !finished.load(Relaxed) && ctx.gauge.downloads_ended() < ctx.photos.len() {
                ctx.gauge.in_flight_sample(server.stats().in_flight);
                std::thread::sleep(SAMPLE_EVERY);
            }
        });
        // Set when `way` returns or panics: the sampler never outlives the run.
        let _finished = SetOnDrop(&finished);
        way(ctx, runtime)
    });
    let beats = runtime.block_on(heartbeat.stop());
    let spans = ctx.spans.lock().unwrap_or_else(|e| e.into_inner()).take();
    let spans = spans.map(|spans| {
        server.record_served(false);
        Spans {
            served: served_photos(server),
            ..spans
        }
    });
    let timeline = recorder
        .zip(spans)
        .zip(record)
        .map(|((recorder, spans), (name, title))| {
            let rows = (ctx.setup.concurrency, ctx.setup.workers);
            draw(recorder, spans, rows, name, title)
        });
    let outcome = Outcome {
        done,
        beats,
        peak_held: ctx.gauge.peak_held(),
        peak_threads: ctx.gauge.peak_threads(),
        peak_working: ctx.gauge.peak_working(),
        mean_in_flight: ctx.gauge.mean_in_flight(),
        server_peak: server.stats().peak_in_flight,
        requests: server.stats().received,
        rss_added: lesson_kit::measure::rss_added_since(rss),
    };
    (outcome, timeline)
}

/// Sets its flag when dropped, on a return or a panic alike.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Relaxed);
    }
}

/// The server's spans, then the client's downloads, each on as few rows as hold them without
/// overlap, then one row per CPU worker; at least `rows.0` rows of each kind of download and
/// `rows.1` CPU rows, so that a run that used fewer draws as many.
fn draw(
    recorder: Recorder,
    mut spans: Spans,
    rows: (usize, usize),
    name: &str,
    title: &str,
) -> Timeline {
    let mut names = Vec::new();
    for (label, downloads) in [
        ("served", &mut spans.served),
        ("download", &mut spans.downloads),
    ] {
        pack(&recorder, downloads, label, rows.0, &mut names);
    }
    let first_cpu = names.len();
    spans.cpu.sort_by_key(|(_, start, _)| *start);
    let mut cpu_rows: HashMap<String, usize> = HashMap::new();
    for (worker, start, end) in spans.cpu {
        let next = names.len();
        let row = *cpu_rows.entry(worker).or_insert(next);
        if row == next {
            names.push(format!("CPU {}", row - first_cpu + 1));
        }
        recorder.span(row, start, end);
    }
    while names.len() < first_cpu + rows.1 {
        names.push(format!("CPU {}", names.len() - first_cpu + 1));
    }
    recorder.finish(name, title, names)
}

/// Puts `spans` on rows named `label 1`, `label 2`, ... after `names`: each span on the first row
/// free by its start, at least `at_least` rows.
fn pack(
    recorder: &Recorder,
    spans: &mut [(Instant, Instant)],
    label: &str,
    at_least: usize,
    names: &mut Vec<String>,
) {
    spans.sort_by_key(|&(start, _)| start);
    let first = names.len();
    let mut ends: Vec<Instant> = Vec::new(); // the end of the last span on each row
    for &(start, end) in spans.iter() {
        let row = match ends.iter().position(|&e| e <= start) {
            Some(row) => row,
            None => {
                ends.push(start);
                ends.len() - 1
            }
        };
        ends[row] = end;
        recorder.span(first + row, start, end);
    }
    let used = ends.len().max(at_least);
    names.extend((1..=used).map(|r| format!("{label} {r}")));
}
