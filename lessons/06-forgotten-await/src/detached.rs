//! Experiment 5: errors lost in detached tasks.
//!
//! `tokio::spawn` returns a `JoinHandle`, the only way to learn how the task ended: its value,
//! its error, or its panic (tokio catches a task's panic and keeps it for whoever joins). The
//! handle is not `#[must_use]` in tokio 1.54, so `tokio::spawn(job);` compiles without a
//! warning, and a task that fails with nobody holding its handle vanishes. A `JoinSet` keeps every
//! handle and hands back every outcome.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use lesson_kit::panics::message;
use lesson_kit::table::Table;
use lesson_kit::{Section, phrase};
use tokio::task::JoinSet;

use crate::{current_thread, with_silent_panics};

/// Jobs in the batch.
pub const JOBS: u64 = 10;

/// What the jobs themselves counted: the truth the callers should have seen.
#[derive(Debug, Default)]
pub struct Truth {
    pub failed: AtomicU64,
    pub panicked: AtomicU64,
    /// Jobs that got to their end (a panicking job counts itself just before it panics).
    pub finished: AtomicU64,
}

// ANCHOR: job
/// Job `i` of the batch: jobs 2, 5 and 8 fail, job 7 panics, the others succeed.
pub async fn job(i: u64, truth: Arc<Truth>) -> Result<u64, String> {
    tokio::time::sleep(Duration::from_millis(1 + i % 3)).await;
    let outcome = match i {
        2 | 5 | 8 => {
            truth.failed.fetch_add(1, Relaxed);
            Err(format!("job {i}: the disk is full"))
        }
        7 => {
            truth.panicked.fetch_add(1, Relaxed);
            truth.finished.fetch_add(1, Relaxed);
            panic!("job {i}: index out of bounds");
        }
        _ => Ok(i * i),
    };
    truth.finished.fetch_add(1, Relaxed);
    outcome
}
// ANCHOR_END: job

/// What a caller saw of the batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub ok: u64,
    pub errors: Vec<String>,
    pub panics: Vec<String>,
}

// ANCHOR: detached
/// Spawns every job and forgets the handles; waits as a careless caller does, then reports.
pub async fn detached(truth: Arc<Truth>) -> Seen {
    for i in 0..JOBS {
        tokio::spawn(job(i, Arc::clone(&truth))); // compiles silently: the handle is dropped
    }
    // The careless caller only waits. (It waits until the jobs counted themselves done, so that
    // the run repeats on a busy machine; a real one would sleep and hope.)
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while truth.finished.load(Relaxed) < JOBS && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Seen::default() // nothing came back: no error, no panic, so it reports success
}

/// Spawns every job into a JoinSet and joins them all: every value, error and panic comes back.
pub async fn joined(truth: Arc<Truth>) -> Seen {
    let mut set = JoinSet::new();
    for i in 0..JOBS {
        set.spawn(job(i, Arc::clone(&truth)));
    }
    let mut seen = Seen::default();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(_)) => seen.ok += 1,
            Ok(Err(error)) => seen.errors.push(error),
            Err(e) if e.is_panic() => seen.panics.push(message(&*e.into_panic()).to_string()),
            Err(e) => seen.errors.push(format!("cancelled: {e}")),
        }
    }
    seen
}
// ANCHOR_END: detached

/// Runs the batch detached and in a JoinSet, each on a runtime of its own, and compares what each
/// caller saw with what the jobs counted.
pub fn detached_errors() -> Section {
    let mut section = Section::new("detached-errors", "Errors lost in detached tasks").about(
        "A batch of 10 jobs, of which 3 return an error and 1 panics, is spawned twice: with the \
         JoinHandles dropped, and into a JoinSet that joins them all. The jobs count their own \
         failures; each caller reports what it saw.",
    );
    let (careless, careful) = with_silent_panics(|| {
        let run = |joins: bool| {
            let truth = Arc::new(Truth::default());
            let seen = current_thread().block_on(async {
                if joins {
                    joined(Arc::clone(&truth)).await
                } else {
                    detached(Arc::clone(&truth)).await
                }
            });
            // The runtime is gone: no task of the batch outlives this line.
            (
                seen,
                truth.failed.load(Relaxed),
                truth.panicked.load(Relaxed),
            )
        };
        (run(false), run(true))
    });
    let mut table = Table::new(&[
        ("caller", "caller"),
        ("ok", "ok seen"),
        ("errors", "errors seen"),
        ("panics", "panics seen"),
        ("truth", "the jobs counted"),
    ]);
    for (name, (seen, failed, panicked)) in [("handles dropped", &careless), ("JoinSet", &careful)]
    {
        table.row(vec![
            name.into(),
            seen.ok.into(),
            (seen.errors.len() as u64).into(),
            (seen.panics.len() as u64).into(),
            format!("{failed} errors, {panicked} panic").into(),
        ]);
    }
    let (seen, failed, panicked) = &careful;
    section.check(
        careless.0 == Seen::default() && careless.1 == 3 && careless.2 == 1,
        phrase!(
            "handles dropped: the jobs counted {} errors and {} panic; the caller saw none and \
             reported success",
            careless.1,
            careless.2
        ),
    );
    section.check(
        seen.ok == JOBS - 4
            && seen.errors.len() as u64 == *failed
            && seen.panics.len() as u64 == *panicked,
        phrase!(
            "JoinSet: {} ok, {} errors and {} panic came back, as the jobs counted",
            seen.ok,
            seen.errors.len() as u64,
            seen.panics.len() as u64
        ),
    );
    let mut lines = seen.errors.clone();
    lines.sort();
    lines.extend(seen.panics.iter().map(|p| format!("panic: {p}")));
    section.listing(
        "What the JoinSet handed back, besides the values",
        &lines.join("\n"),
    );
    section.table("Counted", table);
    section.verdict(
        "A task's error or panic goes to its JoinHandle and nowhere else. Drop the handle and the \
         failure is gone; keep the handles in a JoinSet and join it, and every failure comes back.",
    );
    section
}
