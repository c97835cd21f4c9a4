//! Telling a hang from a slow run: progress that has stopped moving.
//!
//! A thread blocked for ever does not fail; it waits, and so does whoever joins it. A fixed
//! deadline cannot tell that from a slow machine. So the lessons count what their work moves
//! (items sent, meals eaten, steps done) and call it stuck only when the count has not changed for
//! a quiet period: a run that is slow but moving is never called a hang.
//!
//! [`Stall`] is that rule, written once. Whoever waits looks at the progress now and then (a
//! watchdog thread, a loop around `recv_timeout`, an async `timeout`) and asks [`Stall::look`].

use std::time::{Duration, Instant};

/// Progress seen at some moment, and since when it has not changed.
#[derive(Debug, Clone)]
pub struct Stall<P = u64> {
    quiet: Duration,
    last: P,
    since: Instant,
}

impl<P: PartialEq> Stall<P> {
    /// Starts watching from `progress`, as it stands now; stalled after `quiet` without change.
    pub fn new(quiet: Duration, progress: P) -> Stall<P> {
        Stall {
            quiet,
            last: progress,
            since: Instant::now(),
        }
    }

    /// Looks at the progress now: `Some(how long it has stood still)` once that is `quiet` or
    /// more, `None` while it moves or has stood still for less.
    pub fn look(&mut self, progress: P) -> Option<Duration> {
        if progress != self.last {
            (self.last, self.since) = (progress, Instant::now());
            return None;
        }
        let still = self.since.elapsed();
        (still >= self.quiet).then_some(still)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread::sleep;

    const QUIET: Duration = Duration::from_millis(20);

    #[test]
    fn progress_that_stands_still_for_the_quiet_period_is_a_stall() {
        let mut stall = Stall::new(QUIET, 7);
        assert_eq!(stall.look(7), None, "still, but not for long yet");
        sleep(QUIET);
        let still = stall.look(7).expect("nothing moved for QUIET");
        assert!(still >= QUIET);
    }

    #[test]
    fn progress_that_moves_is_never_a_stall_however_slow() {
        let mut stall = Stall::new(QUIET, 0);
        for step in 1..=5 {
            sleep(QUIET);
            assert_eq!(stall.look(step), None, "moved at step {step}");
        }
        // Any comparable progress will do: here a count and a memory size together.
        let mut both = Stall::new(QUIET, (0, 4096));
        sleep(QUIET);
        assert_eq!(both.look((0, 8192)), None, "memory grew");
        sleep(QUIET);
        assert!(both.look((0, 8192)).is_some());
    }
}
