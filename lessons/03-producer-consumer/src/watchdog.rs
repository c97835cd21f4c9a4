//! Waiting with a watchdog: a hang is detected and explained, then ended, never waited out.
//!
//! A consumer blocked in `recv()` on a channel that will never close does not fail: it waits
//! forever, and so does whoever joins it. So this lesson never joins blindly. The threads count
//! what they move (items sent, items consumed) in a progress counter; when nothing moves for
//! [`QUIET`] while threads are still running, that is a hang. The lesson reports it, then ends it
//! the way the fix would (dropping the forgotten sender, shutting the queue down), and only then
//! joins, so no thread is left behind.
//!
//! Watching progress instead of a fixed deadline keeps a slow machine from looking hung: a run
//! that is slow but moving is never called a hang. That rule is the kit's `Stall`, shared with
//! lesson 02's watchdog; this module is how lesson 03 waits with it, on threads and on a queue.

use std::thread;
use std::time::Duration;

use lesson_kit::stall::Stall;

/// Nothing moving for this long, with threads still running, is a hang. Every step of work in
/// this lesson takes microseconds.
pub const QUIET: Duration = Duration::from_millis(300);

/// How often the watchdog looks.
const LOOK_EVERY: Duration = Duration::from_millis(2);

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// Everything it waited for finished.
    Finished,
    /// Nothing moved for [`QUIET`] while some thread was still running; `progress` is where the
    /// counter stood.
    Hung { progress: u64 },
}

// ANCHOR: watch
/// Waits until `finished()` is true, or until `progress()` has not moved for `quiet`.
pub fn watch(finished: impl Fn() -> bool, progress: impl Fn() -> u64, quiet: Duration) -> Waited {
    let mut stall = Stall::new(quiet, progress());
    loop {
        if finished() {
            return Waited::Finished;
        }
        let now = progress();
        if stall.look(now).is_some() {
            return Waited::Hung { progress: now };
        }
        thread::sleep(LOOK_EVERY);
    }
}
// ANCHOR_END: watch

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;

    #[test]
    fn a_thread_that_keeps_moving_is_not_hung() {
        let progress = AtomicU64::new(0);
        let started = Instant::now();
        let waited = watch(
            || {
                progress.fetch_add(1, Ordering::Relaxed);
                started.elapsed() > Duration::from_millis(100)
            },
            || progress.load(Ordering::Relaxed),
            Duration::from_millis(20),
        );
        assert_eq!(waited, Waited::Finished);
    }

    #[test]
    fn nothing_moving_is_a_hang() {
        let waited = watch(|| false, || 7, Duration::from_millis(20));
        assert_eq!(waited, Waited::Hung { progress: 7 });
    }
}
