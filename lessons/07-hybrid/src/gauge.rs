//! What a run holds, counted as it happens: photos in memory, threads, downloads in flight.
//!
//! A photo counts as held from the moment its download is complete until its thumbnail is made
//! (or it is given up): a [`Held`] guard is made with the photo and dropped with it, so the count
//! cannot forget a photo that took an unexpected path.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Counters shared by the tasks and threads of one run.
#[derive(Debug, Default)]
pub struct Gauge {
    held: AtomicUsize,
    peak_held: AtomicUsize,
    downloaded: AtomicUsize,
    peak_threads: AtomicUsize,
    working: AtomicUsize,
    peak_working: AtomicUsize,
    in_flight: Mutex<Vec<u64>>,
}

impl Gauge {
    /// Starts the counts afresh.
    pub fn reset(&self) {
        self.held.store(0, Relaxed);
        self.peak_held.store(0, Relaxed);
        self.downloaded.store(0, Relaxed);
        self.peak_threads.store(0, Relaxed);
        self.working.store(0, Relaxed);
        self.peak_working.store(0, Relaxed);
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// A photo is now in memory: held until the guard is dropped.
    pub fn hold(self: &Arc<Self>) -> Held {
        let now = self.held.fetch_add(1, Relaxed) + 1;
        self.peak_held.fetch_max(now, Relaxed);
        Held(Arc::clone(self))
    }

    /// The most photos held at once.
    pub fn peak_held(&self) -> usize {
        self.peak_held.load(Relaxed)
    }

    /// Photos held now.
    pub fn held(&self) -> usize {
        self.held.load(Relaxed)
    }

    /// A download ended (a photo, or given up after its retries).
    pub fn downloaded(&self) {
        self.downloaded.fetch_add(1, Relaxed);
    }

    pub fn downloads_ended(&self) -> usize {
        self.downloaded.load(Relaxed)
    }

    /// Notes this process's thread count now (read from /proc: call it once per photo, not
    /// in a loop).
    pub fn count_threads(&self) {
        if let Some(n) = lesson_kit::measure::thread_count() {
            self.peak_threads.fetch_max(n, Relaxed);
        }
    }

    /// A thumbnail is being made until the guard is dropped.
    pub fn working(self: &Arc<Self>) -> Working {
        let now = self.working.fetch_add(1, Relaxed) + 1;
        self.peak_working.fetch_max(now, Relaxed);
        Working(Arc::clone(self))
    }

    /// The most thumbnails made at once.
    pub fn peak_working(&self) -> usize {
        self.peak_working.load(Relaxed)
    }

    pub fn peak_threads(&self) -> usize {
        self.peak_threads.load(Relaxed)
    }

    /// Notes one sample of the server's requests in flight.
    pub fn in_flight_sample(&self, n: u64) {
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(n);
    }

    /// The mean of the samples of requests in flight.
    pub fn mean_in_flight(&self) -> f64 {
        let samples = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        samples.iter().sum::<u64>() as f64 / samples.len().max(1) as f64
    }
}

/// How often the server's requests in flight are sampled while downloads remain.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(1);

/// One thumbnail being made; dropping it lets go of the count.
#[derive(Debug)]
pub struct Working(Arc<Gauge>);

impl Drop for Working {
    fn drop(&mut self) {
        self.0.working.fetch_sub(1, Relaxed);
    }
}

/// One photo in memory; dropping it lets go of the count.
#[derive(Debug)]
pub struct Held(Arc<Gauge>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.held.fetch_sub(1, Relaxed);
    }
}
