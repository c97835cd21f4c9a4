//! The store the answer talks to: loads (async, sometimes "busy, retry later", sometimes failing),
//! the CPU-heavy `render`, and saves (async). It counts what really happened in fields the answer
//! cannot reach: the judge decides from these counts, never from what the answer says.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use lesson_kit::capacity::thread_cpu_time;

/// How long the store takes to answer a load or a save (it waits without blocking).
const LATENCY: Duration = Duration::from_millis(3);

// ANCHOR: load_error
/// Why a load gave no rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The store is busy: try again, but not before `retry_after` has passed.
    Busy { retry_after: Duration },
    /// The customer is not in the store: trying again will not help.
    Missing(u32),
}
// ANCHOR_END: load_error

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Busy { retry_after } => {
                write!(f, "the store is busy, retry after {retry_after:?}")
            }
            LoadError::Missing(customer) => write!(f, "customer {customer} is not in the store"),
        }
    }
}

impl std::error::Error for LoadError {}

/// A customer's rows, as loaded: only `render` can turn them into a report.
#[derive(Debug)]
pub struct Rows {
    customer: u32,
    lines: Vec<u64>,
    store: Arc<Counts>,
}

impl Rows {
    pub fn customer(&self) -> u32 {
        self.customer
    }
}

/// A rendered report: only `render` makes one, only `Store::save` takes one.
#[derive(Debug)]
pub struct Report {
    customer: u32,
    total: u64,
}

impl Report {
    pub fn customer(&self) -> u32 {
        self.customer
    }
}

/// The store. Cheap to clone: every clone is the same store.
#[derive(Debug, Clone)]
pub struct Store {
    counts: Arc<Counts>,
}

/// What the store saw, and the plan it follows (which customers are missing or busy once).
#[derive(Debug)]
pub(crate) struct Counts {
    pub(crate) missing: Vec<u32>,
    pub(crate) busy_once: Vec<u32>,
    pub(crate) retry_after: Duration,
    pub(crate) render_cpu: Duration,
    /// The thread that drives the runtime: render must not run on it.
    pub(crate) runtime_thread: ThreadId,
    pub(crate) started: Instant,
    /// When each customer's loads arrived, since `started`.
    pub(crate) loads: Mutex<BTreeMap<u32, Vec<Duration>>>,
    /// The customers whose report was saved, in the order the saves completed.
    pub(crate) saved: Mutex<Vec<u32>>,
    pub(crate) renders: AtomicUsize,
    pub(crate) rendering: AtomicUsize,
    pub(crate) peak_rendering: AtomicUsize,
    pub(crate) renders_on_runtime: AtomicUsize,
}

impl Store {
    pub(crate) fn new(counts: Counts) -> Store {
        Store {
            counts: Arc::new(counts),
        }
    }

    pub(crate) fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Loads a customer's rows. `Busy` means: wait `retry_after`, then try again.
    pub async fn load(&self, customer: u32) -> Result<Rows, LoadError> {
        let counts = &self.counts;
        let arrived = counts.started.elapsed();
        let first = {
            let mut loads = counts.loads.lock().unwrap_or_else(|p| p.into_inner());
            let seen = loads.entry(customer).or_default();
            seen.push(arrived);
            seen[0]
        };
        tokio::time::sleep(LATENCY).await;
        if counts.missing.contains(&customer) {
            return Err(LoadError::Missing(customer));
        }
        let ready_at = first + counts.retry_after;
        if counts.busy_once.contains(&customer) && arrived < ready_at {
            let retry_after = if arrived == first {
                counts.retry_after
            } else {
                ready_at - arrived
            };
            return Err(LoadError::Busy { retry_after });
        }
        let lines = (1..=20).map(|n| u64::from(customer) * 100 + n).collect();
        Ok(Rows {
            customer,
            lines,
            store: Arc::clone(counts),
        })
    }

    /// Saves a report.
    pub async fn save(&self, report: Report) {
        tokio::time::sleep(LATENCY).await;
        let _ = report.total;
        let mut saved = self.counts.saved.lock().unwrap_or_else(|p| p.into_inner());
        saved.push(report.customer);
    }
}

/// Renders a customer's report: CPU work, tens of milliseconds of it, with no `.await` inside.
pub fn render(rows: &Rows) -> Report {
    let counts = &rows.store;
    let now = counts.rendering.fetch_add(1, Ordering::SeqCst) + 1;
    counts.peak_rendering.fetch_max(now, Ordering::SeqCst);
    if std::thread::current().id() == counts.runtime_thread {
        counts.renders_on_runtime.fetch_add(1, Ordering::SeqCst);
    }
    // The work is measured in CPU time, so it costs the same in a debug and a release build,
    // and a busy machine makes it longer, never shorter.
    let start = thread_cpu_time();
    let mut spin = 0u64;
    while thread_cpu_time().saturating_sub(start) < counts.render_cpu {
        for line in &rows.lines {
            spin = std::hint::black_box(spin.wrapping_mul(31).wrapping_add(*line));
        }
    }
    let total = rows.lines.iter().sum();
    counts.rendering.fetch_sub(1, Ordering::SeqCst);
    counts.renders.fetch_add(1, Ordering::SeqCst);
    Report {
        customer: rows.customer,
        total,
    }
}
