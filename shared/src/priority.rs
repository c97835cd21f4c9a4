//! Background priority for CPU-bound threads, so that a thread that must answer quickly (an async
//! runtime's worker) gets a core as soon as it wakes up.
//!
//! On 2 cores, two threads computing thumbnails fill both cores. When the runtime's thread wakes
//! (a timer, a socket), Linux must take a core from one of them, and with equal priorities it
//! need not do so at once. A program that wants its event loop to answer promptly lowers the
//! priority of its CPU workers, as `nice` does for a batch job:
//!
//! - [`Background::Nice`]: `setpriority(PRIO_PROCESS, tid, 10)`. On Linux the nice value belongs
//!   to a thread, not to the process (setpriority(2), "BUGS"); a thread of nice 10 weighs 110
//!   against 1024 for nice 0 in the fair scheduler (sched(7), the kernel's
//!   `sched_prio_to_weight`), so the scheduler favours a waking nice-0 thread. Raising one's own
//!   nice needs no privilege.
//! - [`Background::Idle`]: `sched_setscheduler(0, SCHED_IDLE)`: the thread runs only when no
//!   normal thread wants the core (sched(7): "lower even than a +19 nice value").
//!
//! Both last for the thread's life and are inherited by threads it starts. An unprivileged
//! thread cannot raise its priority back, so call this only on threads made for CPU work.

/// How far down a CPU worker goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    /// Nice 10 (normal policy, a tenth of the weight of a nice-0 thread).
    Nice,
    /// The SCHED_IDLE policy.
    Idle,
}

/// Puts the calling thread (only it) in the background; returns whether the OS agreed. On a
/// system other than Linux this does nothing and returns false.
pub fn background_this_thread(how: Background) -> bool {
    #[cfg(target_os = "linux")]
    {
        match how {
            // SAFETY: gettid and setpriority take plain integers.
            Background::Nice => unsafe {
                libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10) == 0
            },
            Background::Idle => {
                let param = libc::sched_param { sched_priority: 0 };
                // SAFETY: `param` is a valid sched_param that outlives the call; pid 0 is the
                // calling thread.
                unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) == 0 }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = how;
        false
    }
}

/// The calling thread's nice value (None where it cannot be read).
pub fn nice_of_this_thread() -> Option<i32> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid and getpriority take plain integers. getpriority may return -1 as a
        // value, so errno is cleared first and read after.
        unsafe {
            *libc::__errno_location() = 0;
            let nice = libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t);
            (*libc::__errno_location() == 0).then_some(nice)
        }
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn only_the_calling_thread_goes_to_the_background() {
        let before = nice_of_this_thread();
        let inside = std::thread::spawn(|| {
            let agreed = background_this_thread(Background::Nice);
            (agreed, nice_of_this_thread())
        })
        .join()
        .unwrap();
        assert_eq!(inside, (true, Some(10)));
        assert_eq!(nice_of_this_thread(), before);
    }
}
