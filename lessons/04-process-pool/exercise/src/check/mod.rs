//! The judge: ordinary batches complete on the pool's workers; slow tasks within the limit are
//! left alone; a task that never ends is stopped within the limit plus a small fixed slack, once
//! beside short tasks (so the stop itself is timed) and once among slow-but-legal tasks, more
//! than workers, so it is never left alone; it is sent once, its worker killed, reaped and
//! replaced by the pool's own counters, and every other result is present. Every failure says
//! what the answer did. Each check starts its own contained runner.
//!
//! - [`results`]: ordinary and slow batches, every result present and right.
//! - [`endless`]: a task that never ends, stopped in time, once, its worker replaced.

mod endless;
mod results;

use std::time::Duration;

use lesson_04_process_pool::jobs::Task;
use lesson_kit::exercise::{Checklist, Contained, Judged, Limits, Sandbox};

use crate::{BatchSeen, Request};
use endless::{endless_task_alone, endless_task_among_slow_ones};
use results::{ordinary_batch, slow_tasks};

/// The pool's size in every check: fewer workers than tasks.
const WORKERS: usize = 2;
/// How late the endless task's worker may die after its limit: scheduling, the kill, the reap.
const SLACK: Duration = Duration::from_millis(300);
/// A stop a little late is measured again, this many times in all, before it fails: a busy
/// machine can delay one batch, not every one.
const TRIES: usize = 3;

/// `cargo run -p lesson-04-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 04's exercise");
    let mut judge = Judge::default();
    let checklist = judge.check();
    println!("The answer ran contained: {}.", judge.runner.files);
    print!("{}", judge.runner.notes);
    checklist.print_and_exit()
}

/// Runs the checks in turn, each with a fresh runner, and keeps what the answer printed.
#[derive(Default)]
pub struct Judge {
    /// Each check's runner, what protects the files, and what the answer printed.
    pub runner: Contained,
}

impl Judge {
    pub fn check(&mut self) -> Checklist {
        let mut checklist = Checklist::new();
        for (name, check) in [
            (
                "ordinary tasks complete on the pool",
                ordinary_batch as Check,
            ),
            ("slow tasks within the limit are left alone", slow_tasks),
            (
                "a task that never ends is stopped on time",
                endless_task_alone,
            ),
            (
                "among slow tasks, it is stopped once, the others complete",
                endless_task_among_slow_ones,
            ),
        ] {
            let result = self.runner.check(name, limits(), check);
            checklist.record(name, result);
        }
        checklist
    }
}

type Check = fn(&mut Sandbox) -> Result<String, Judged>;

fn wrong<T>(why: String) -> Result<T, Judged> {
    Err(Judged::Wrong(why))
}

/// Asks the runner for one batch.
fn batch(sandbox: &mut Sandbox, tasks: &[Task], limit: Duration) -> Result<BatchSeen, Judged> {
    let request = Request {
        tasks: tasks.to_vec(),
        workers: WORKERS,
        limit_ms: limit.as_millis() as u64,
    };
    let seen: BatchSeen = sandbox.ask(&request).map_err(Judged::Fault)?.reply;
    if let Some(why) = seen.cannot_start {
        return wrong(format!(
            "the check could not start the pool's workers: {why}"
        ));
    }
    Ok(seen)
}

/// A pool of 2 workers and a replacement, and room for the answer's own mistakes.
fn limits() -> Limits {
    Limits {
        reply_within: Duration::from_secs(6),
        ..Limits::default()
    }
}
