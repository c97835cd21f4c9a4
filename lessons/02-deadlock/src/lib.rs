//! # Lesson 02: deadlock
//!
//! The Python articles show two functions taking two locks in opposite order, and advise a fixed
//! lock order. Run once, as written there, that code hardly ever deadlocks: the first thread
//! usually finishes before the second starts. This lesson makes the deadlock certain and visible,
//! and never hangs:
//!
//! 1. [`two_locks`]: two threads, two locks, opposite order, the window forced open. The
//!    [`watchdog`] finds the cycle, says who holds and who waits for what, and calls it off.
//! 2. [`fixes`]: one global lock order, `try_lock_for` with back-off, one coarse lock, and one
//!    owner thread fed over a channel, timed under the same load (median run, with the spread).
//! 3. [`philosophers`]: the dining philosophers, deadlocked, then fixed by a fork order, by a fork
//!    order with fair unlocking, and by taking both forks or none, with how many ate at once.

pub mod fixes;
pub mod philosophers;
pub mod two_locks;
pub mod watchdog;
