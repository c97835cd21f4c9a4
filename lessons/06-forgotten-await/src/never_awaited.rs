//! Experiment 1: a future that is never awaited does nothing at all.
//!
//! Calling an `async fn` runs none of its body: it returns a future, a value holding the
//! arguments and the state to start from. Only polling runs it, and `.await` (or a runtime, once
//! the future is handed to `tokio::spawn`) is what polls. A future dropped unpolled has done
//! nothing, so the counter it would increment stays at zero.
//!
//! Who notices: rustc's `unused_must_use` warns about a bare `work(&done);`, because every
//! future is `#[must_use = "futures do nothing unless you `.await` or poll them"]`. A `let _ =`
//! silences rustc; clippy's `let_underscore_future` still catches that one. `let _f = ...`
//! compiles silently under both. The `#[expect]` attributes below keep these claims true: CI runs
//! clippy with `-D warnings`, and an expectation that no lint fulfils is itself a warning.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use lesson_kit::table::Table;
use lesson_kit::{Section, phrase};

use crate::current_thread;

/// rustc's message for a bare future call, from the compile-fail case that keeps it true.
pub const BARE_CALL_ERROR: &str = include_str!("../compile-fail/cases/bare_future_call.stderr");

// ANCHOR: work
/// The work a caller means to do: count one.
pub async fn work(done: &AtomicU32) {
    done.fetch_add(1, Relaxed);
}
// ANCHOR_END: work

/// What the counter read after each way of calling `work`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub after_forgotten: u32,
    pub after_await: u32,
    pub after_spawn: u32,
}

/// Calls `work` in three ways that forget it, then awaits it, then spawns it and drops the handle.
pub fn count_what_ran() -> Counts {
    current_thread().block_on(async {
        let done = Arc::new(AtomicU32::new(0));
        // ANCHOR: forgotten
        #[expect(unused_must_use)] // rustc: "futures do nothing unless you `.await` or poll them"
        work(&done);
        #[expect(clippy::let_underscore_future)] // rustc is silent; clippy is not
        let _ = work(&done);
        let _kept = work(&done); // silent everywhere: a future in a variable is not yet a mistake
        // ANCHOR_END: forgotten
        let after_forgotten = done.load(Relaxed);
        drop(_kept);
        // ANCHOR: awaited
        work(&done).await; // polled to the end, here
        let after_await = done.load(Relaxed);
        let counter = Arc::clone(&done);
        tokio::spawn(async move { work(&counter).await }); // runs on its own; no warning
        tokio::task::yield_now().await; // the runtime gets the thread, and runs the task
        // ANCHOR_END: awaited
        Counts {
            after_forgotten,
            after_await,
            after_spawn: done.load(Relaxed),
        }
    })
}

/// Shows that a future not awaited never starts, and which tool warns about which way of
/// forgetting it.
pub fn never_awaited() -> Section {
    let mut section = Section::new("never-awaited", "A future never awaited does nothing").about(
        "An async fn that adds one to a counter is called three ways without .await, then awaited, \
         then spawned with its handle dropped. The counter says which calls ran its body.",
    );
    let counts = count_what_ran();
    section.check(
        counts.after_forgotten == 0,
        phrase!(
            "after work(&done); let _ = work(&done); and let _kept = work(&done); the counter \
             reads {}: none of the three futures ran a line of its body",
            counts.after_forgotten
        ),
    );
    section.check(
        counts.after_await == 1,
        phrase!("after work(&done).await it reads {}", counts.after_await),
    );
    section.check(
        counts.after_spawn == 2,
        phrase!(
            "after tokio::spawn with the JoinHandle dropped, and one yield, it reads {}: a \
             spawned task runs without anyone awaiting it",
            counts.after_spawn
        ),
    );
    section.listing(
        "rustc 1.95 on a bare call, with the lint denied (compile-fail/cases/bare_future_call.rs)",
        BARE_CALL_ERROR,
    );
    let mut table = Table::new(&[
        ("call", "the call"),
        ("rustc", "rustc warns"),
        ("clippy", "clippy warns"),
        ("ran", "body ran"),
    ]);
    for (call, rustc, clippy, ran) in [
        ("work(&done);", "unused_must_use", "-", "no"),
        ("let _ = work(&done);", "no", "let_underscore_future", "no"),
        ("let _kept = work(&done);", "no", "no", "no"),
        ("work(&done).await;", "-", "-", "yes"),
        ("tokio::spawn(..);", "no", "no", "yes"),
    ] {
        table.row(vec![call.into(), rustc.into(), clippy.into(), ran.into()]);
    }
    section.table(
        "What catches a forgotten future (kept true by compile-fail tests and #[expect] in the code)",
        table,
    );
    section.verdict(
        "A future is inert until polled: forgetting .await loses the work without an error at run \
         time. Only the bare call gets a rustc warning; deny unused_must_use and run clippy to \
         catch two of the three, and read every let binding of a future.",
    );
    section
}
