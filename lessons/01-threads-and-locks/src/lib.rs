//! # Lesson 01: threads and locks
//!
//! The Python articles on threads teach two things: a shared counter needs a lock, and threads do
//! not speed up CPU work because of the GIL. This lesson measures both in Rust:
//!
//! 1. [`counter`]: locks and atomics count exactly; a racy read-then-write loses updates; the
//!    unlocked `counter += 1` does not compile.
//! 2. [`spawned`]: Python's `threading.Thread(target=...)`: threads that outlive their caller,
//!    `thread::spawn`, `move` and `Arc<Mutex<T>>`; a spawned thread that borrows does not compile.
//! 3. [`sharing`]: what each way of sharing costs per increment, next to not sharing at all.
//! 4. [`cpu_work`]: a prime count on one thread, on scoped threads, on rayon, and under the
//!    kit's GIL simulator, which reproduces the Python result beside the Rust one.

pub mod counter;
pub mod cpu_work;
pub mod primes;
pub mod sharing;
pub mod spawned;
