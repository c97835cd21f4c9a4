//! A timer with the kernel's precision, for `/delay/{ms}`.
//!
//! tokio 1.54's timer counts whole milliseconds: `deadline_to_tick` rounds a deadline up to the
//! end of its millisecond, and the runtime parks for whole milliseconds counted from the start
//! of the current one (`runtime/time/source.rs` and `time/mod.rs`, `park_internal`). So
//! `sleep(3 ms)` on an idle runtime answers after about 5 ms, `sleep(20 ms)` after about 21 to
//! 22: a server that stands in for "a service that answers after 20 ms" would be 5 to 10% slow,
//! and every lesson's ideal, ceil(N / limit) x delay, unreachable by that much.
//!
//! This timer keeps the waiting deadlines in order and arms one Linux `timerfd` (timerfd_create(2),
//! nanosecond resolution) for the earliest; the runtime watches the descriptor like a socket
//! (`AsyncFd`), and when it fires every deadline that has passed is released. One descriptor
//! and no thread for all the waits, and none is released early: a deadline is released only
//! once `Instant::now()` has reached it.

use std::collections::BTreeMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::sync::oneshot;

/// The deadlines waited for, earliest first; the `u64` tells equal deadlines apart.
type Waiting = BTreeMap<(Instant, u64), oneshot::Sender<()>>;

#[derive(Debug)]
pub(crate) struct Timer {
    fd: AsyncFd<OwnedFd>,
    waiting: Mutex<(Waiting, u64)>,
}

impl Timer {
    /// A timer on the current runtime (which must have I/O enabled).
    pub(crate) fn new() -> io::Result<Timer> {
        // SAFETY: timerfd_create takes no pointers; a non-negative result is a new descriptor
        // that nothing else owns.
        let raw = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a descriptor this function just created and owns alone.
        let owned = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: an OwnedFd's descriptor stays open, and the same, until the AsyncFd that owns
        // it is dropped.
        let fd = unsafe { AsyncFd::register_with_interest(owned, Interest::READABLE) }
            .map_err(|error| error.into_parts().1)?;
        Ok(Timer {
            fd,
            waiting: Mutex::default(),
        })
    }

    /// Resolves once `Instant::now()` has reached `deadline`, never before. Needs [`Timer::run`]
    /// running on the same runtime.
    pub(crate) async fn sleep_until(&self, deadline: Instant) {
        let (sender, receiver) = oneshot::channel();
        {
            let mut guard = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let (waiting, next_id) = &mut *guard;
            *next_id += 1;
            let earliest = waiting
                .keys()
                .next()
                .is_none_or(|(first, _)| deadline < *first);
            waiting.insert((deadline, *next_id), sender);
            if earliest {
                self.arm(deadline);
            }
        }
        // Err only if the timer is gone, when the server is shutting down anyway.
        let _ = receiver.await;
    }

    /// Releases the waits whose deadline has passed, whenever the descriptor fires; never returns.
    pub(crate) async fn run(&self) {
        loop {
            let Ok(mut ready) = self.fd.readable().await else {
                // The runtime is shutting down: waits end with the server.
                return std::future::pending().await;
            };
            let mut expirations = [0u8; 8];
            // SAFETY: reads at most 8 bytes into an 8-byte buffer from the timer's descriptor.
            unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    expirations.as_mut_ptr().cast(),
                    expirations.len(),
                )
            };
            ready.clear_ready();
            let now = Instant::now();
            let mut guard = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let (waiting, _) = &mut *guard;
            while let Some(entry) = waiting.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                let _ = entry.remove().send(()); // a waiter that gave up is simply gone
            }
            if let Some(&(next, _)) = waiting.keys().next() {
                self.arm(next);
            }
        }
    }

    /// Sets the descriptor to fire at `deadline` (at once if it has passed).
    fn arm(&self, deadline: Instant) {
        // Zero would disarm the timer: a deadline that has passed fires after 1 ns.
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_nanos(1));
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: left.as_secs() as libc::time_t,
                tv_nsec: left.subsec_nanos() as libc::c_long,
            },
        };
        // SAFETY: the descriptor is a timerfd this timer owns; `spec` lives across the call.
        unsafe { libc::timerfd_settime(self.fd.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
    }
}
