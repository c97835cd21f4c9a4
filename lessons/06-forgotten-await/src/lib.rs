//! # Lesson 06: the forgotten `.await`, and the other ways async goes wrong
//!
//! The Python articles end their asyncio material with pitfalls: a coroutine called without
//! `await`, `time.sleep` inside a coroutine, an event loop started inside a running one, CPU work
//! that stalls everything. Rust has each of them, some caught by the compiler, some worse. Each
//! module shows one happening, measures what it costs, shows what catches it, and the fix:
//!
//! 1. [`never_awaited`]: a future that is never awaited does nothing at all.
//! 2. [`blocking`]: blocking calls and CPU work stall every task of the runtime; a heartbeat
//!    ([`lesson_kit::heartbeat`]) measures the stall.
//! 3. [`nested`]: a runtime inside a runtime panics; `reqwest::blocking` inside async code
//!    panics in a debug build and stalls in a release build.
//! 4. [`guard`]: a `std::sync::MutexGuard` held across `.await`, and what the tokio Mutex costs.
//! 5. [`detached`]: errors and panics lost in tasks nobody joins; a `JoinSet` collects them.
//! 6. [`cancel`]: a future dropped at its `.await` leaves work half done.

use std::panic::{AssertUnwindSafe, catch_unwind};

pub mod blocking;
pub mod cancel;
pub mod detached;
pub mod guard;
pub mod nested;
pub mod never_awaited;

/// A current-thread runtime with its timer: every task of an experiment shares one thread, so a
/// task that blocks it stalls all the others, deterministically.
pub fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime")
}

/// Runs `work` with the default panic hook silenced, so that a panic the lesson provokes on
/// purpose does not print its report over the lesson's; the lesson prints the message itself.
/// The hook is global: whatever panics in other threads meanwhile is silenced too, so keep
/// `work` to the experiment.
pub fn with_silent_panics<T>(work: impl FnOnce() -> T) -> T {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(work));
    std::panic::set_hook(previous);
    result.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

/// Runs `work`, catching its panic: `Err(the panic's message)`.
pub fn caught<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work))
        .map_err(|payload| lesson_kit::panics::message(payload.as_ref()).to_string())
}
