//! # Lesson 04: process pools
//!
//! The Python articles reach for `multiprocessing.Pool` because the GIL keeps threads from using
//! several cores. Rust threads have no GIL, so why would a Rust program use processes? This
//! lesson measures both answers, with a process pool written out in full:
//!
//! 1. [`cpu_jobs`]: the articles' CPU jobs (primes, sums of squares, thumbnails) on one thread,
//!    on rayon's threads, under the GIL simulator, and on the process pool.
//! 2. [`costs`]: what processes cost: start-up, bytes and time per task, memory per worker.
//! 3. [`crashes`]: what processes buy: a task that panics, aborts, is killed or corrupts the
//!    pipe takes down only its worker; the pool reports it and finishes everything else.
//!
//! The pool itself is [`pool`], its wire format [`frames`], and the worker side [`worker`].

pub mod costs;
pub mod cpu_jobs;
pub mod crashes;
pub mod four_ways;
pub mod frames;
pub mod jobs;
pub mod pool;
pub mod shared_memory;
pub mod task_sizes;
pub mod thumbnails;
pub mod worker;
