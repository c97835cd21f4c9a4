//! # Lesson 03: producers and consumers
//!
//! The Python articles pass work between threads with `queue.Queue`, between processes with
//! `multiprocessing.Queue` and `None` as a poison pill, and between tasks with `asyncio.Queue` and
//! `task_done()`/`join()`. This lesson does the same in Rust, with channels, and measures it:
//!
//! 1. [`fan_out`]: one producer, several consumers: crossbeam's multi-consumer channel, std's
//!    single-consumer one, and its receiver shared behind a lock. Every item exactly once; the
//!    consumers' [`work_log`] draws the timeline.
//! 2. [`throughput`]: items per second through each of the [`queues`], next to a hand-made
//!    [`python_queue`] (a `Mutex<VecDeque>` with `Condvar`s), notifying always or only sleepers.
//! 3. [`shutdown`]: poison pills against closing the channel, when a sender is forgotten and
//!    when consumers panic; hangs are detected by a [`watchdog`], explained and ended.
//! 4. [`faults`]: a consumer that panics, and how to make the items it loses visible.
//! 5. [`backpressure`]: an unbounded queue's backlog and memory grow with the items; a bounded
//!    one's stay flat.
//! 6. [`async_tasks`]: the same with tokio's tasks and `tokio::sync::mpsc`.
//!
//! [`items`] holds what all of them share: the items, their work, and the exactly-once tally.

pub mod async_tasks;
pub mod backpressure;
pub mod fan_out;
pub mod faults;
pub mod items;
pub mod python_queue;
pub mod queues;
pub mod shutdown;
pub mod throughput;
pub mod watchdog;
pub mod work_log;
