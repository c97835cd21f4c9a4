//! Ctrl-C, or any signal that ends the lesson, must not leave a worker process behind: each
//! worker asked Linux to kill it when its parent dies (`PR_SET_PDEATHSIG`).

use std::fs::{File, OpenOptions};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lesson_kit::process::{children, is_running};

/// Opens the lesson's ends of `worker`'s pipes: its stdin for writing, its stdout for reading.
fn hold_pipes_open(lesson: u32, worker: u32) -> Option<(File, File)> {
    let lesson_end = |worker_fd: u32| {
        let pipe = std::fs::read_link(format!("/proc/{worker}/fd/{worker_fd}")).ok()?;
        let fds = std::fs::read_dir(format!("/proc/{lesson}/fd")).ok()?;
        let end = fds
            .flatten()
            .find(|fd| std::fs::read_link(fd.path()).ok().as_ref() == Some(&pipe))?;
        Some(end.path())
    };
    let stdin = OpenOptions::new().write(true).open(lesson_end(0)?).ok()?;
    let stdout = OpenOptions::new().read(true).open(lesson_end(1)?).ok()?;
    Some((stdin, stdout))
}

/// Starts a run of the lesson, waits until its pool's workers are running, sends `signal` to
/// the lesson only (not to its workers), and checks that every worker is gone soon after.
fn workers_die_with_the_lesson(signal: i32) {
    let mut lesson = Command::new(env!("CARGO_BIN_EXE_lesson-04-process-pool"))
        .args([
            "--only",
            "squares",
            "--size",
            "5000000",
            "--workers",
            "2",
            "--reps",
            "1",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("the lesson starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    // The squares run sequentially, then on threads, then on the pool: wait for the pool.
    let workers = loop {
        let workers = children(lesson.id());
        if workers.len() >= 2 {
            break workers;
        }
        assert!(
            Instant::now() < deadline,
            "the lesson never started its workers"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    // Hold each worker's pipes open from here. A worker then cannot see them close and exit by
    // itself when the lesson dies (as a worker busy with a long task would not): only the
    // kernel's parent-death signal can end it.
    let held: Vec<(File, File)> = workers
        .iter()
        .filter_map(|&worker| hold_pipes_open(lesson.id(), worker))
        .collect();
    assert_eq!(
        held.len(),
        workers.len(),
        "could not hold the workers' pipes"
    );
    // SAFETY: kill sends a signal to the child process this test started.
    unsafe { libc::kill(lesson.id() as i32, signal) };
    let status = lesson.wait().expect("the lesson ends");
    assert!(
        !status.success(),
        "the lesson should have been ended by signal {signal}"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while workers.iter().any(|&pid| is_running(pid)) {
        if Instant::now() > deadline {
            for &worker in &workers {
                // SAFETY: as above; the test cleans up the orphans it found.
                unsafe { libc::kill(worker as i32, libc::SIGKILL) };
            }
            panic!("workers {workers:?} outlived the lesson (signal {signal})");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(held);
}

#[test]
fn ctrl_c_leaves_no_worker_behind() {
    workers_die_with_the_lesson(libc::SIGINT);
}

#[test]
fn sigkill_leaves_no_worker_behind() {
    workers_die_with_the_lesson(libc::SIGKILL);
}
