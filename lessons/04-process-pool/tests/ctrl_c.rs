//! No worker outlives the lesson, however the lesson ends, and which mechanism saves each case.
//!
//! - Ctrl-C in a terminal sends SIGINT to the whole foreground process group: the lesson and
//!   every worker (they inherit its group). Each worker dies of its own SIGINT.
//! - `kill -INT` or `kill -KILL` of the lesson's pid alone reaches the lesson only. Its `Drop`
//!   never runs; only the workers' parent-death signal (`PR_SET_PDEATHSIG`) ends them.
//!
//! Each case runs twice: as the lesson is, and with the parent-death signal switched off
//! ([`WITHOUT_PDEATHSIG_ENV`]), to show that it is what saves the second case and not the first.

use std::fs::{File, OpenOptions};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lesson_04_process_pool::worker::WITHOUT_PDEATHSIG_ENV;
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

/// Starts the lesson in a process group of its own (as a shell starts a job), and waits until
/// its pool's workers run. Returns the lesson, its workers, and their pipes, held open from
/// here: a worker then cannot see its pipes close and exit by itself when the lesson dies (as a
/// worker busy with a long task would not).
fn lesson_with_workers(pdeathsig: bool) -> (Child, Vec<u32>, Vec<(File, File)>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-04-process-pool"));
    command
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
        .process_group(0);
    if !pdeathsig {
        command.env(WITHOUT_PDEATHSIG_ENV, "1");
    }
    // A shell that runs the tests in the background (`cargo test &`, or CI under `nohup ... &`)
    // starts them with SIGINT ignored, and an ignored signal stays ignored across exec: the lesson
    // and its workers would never see Ctrl-C. A terminal's foreground job has the default action.
    // SAFETY: signal() is async-signal-safe, as code between fork and exec must be.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut lesson = command.spawn().expect("the lesson starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    // The squares run sequentially, then on threads, then on the pool: wait for the pool, and
    // for its workers to have answered once (each has then made its prctl request).
    let workers = loop {
        let workers = children(lesson.id());
        if workers.len() >= 2 {
            std::thread::sleep(Duration::from_millis(50));
            break workers;
        }
        if Instant::now() > deadline || lesson.try_wait().ok().flatten().is_some() {
            let _ = lesson.kill();
            panic!("the lesson never started its workers");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let held: Vec<(File, File)> = workers
        .iter()
        .filter_map(|&worker| hold_pipes_open(lesson.id(), worker))
        .collect();
    assert_eq!(
        held.len(),
        workers.len(),
        "could not hold the workers' pipes"
    );
    (lesson, workers, held)
}

/// Sends `signal` to `target` (a pid, or minus a process group), waits for the lesson to end,
/// and returns the workers still running 2 s later (after killing them: the test cleans up).
fn survivors(signal: i32, to_group: bool, pdeathsig: bool) -> Vec<u32> {
    let (mut lesson, workers, held) = lesson_with_workers(pdeathsig);
    let pid = lesson.id() as i32;
    let target = if to_group { -pid } else { pid };
    // SAFETY: kill sends a signal to the process (group) this test started.
    unsafe { libc::kill(target, signal) };
    let status = lesson.wait().expect("the lesson ends");
    assert!(
        !status.success(),
        "the lesson should have been ended by signal {signal}"
    );
    let deadline = Instant::now() + Duration::from_secs(2);
    while workers.iter().any(|&w| is_running(w)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let left: Vec<u32> = workers.iter().copied().filter(|&w| is_running(w)).collect();
    for &worker in &left {
        // SAFETY: as above; the orphans this test made are its own to end.
        unsafe { libc::kill(worker as i32, libc::SIGKILL) };
    }
    drop(held);
    left
}

#[test]
fn ctrl_c_in_a_terminal_ends_every_worker_by_its_own_sigint() {
    assert_eq!(
        survivors(libc::SIGINT, true, true),
        Vec::<u32>::new(),
        "with the parent-death signal"
    );
    assert_eq!(
        survivors(libc::SIGINT, true, false),
        Vec::<u32>::new(),
        "without it: SIGINT alone does it"
    );
}

#[test]
fn sigkill_of_the_lesson_alone_is_survived_only_thanks_to_the_parent_death_signal() {
    assert_eq!(
        survivors(libc::SIGKILL, false, true),
        Vec::<u32>::new(),
        "with the parent-death signal"
    );
    let orphans = survivors(libc::SIGKILL, false, false);
    assert_eq!(
        orphans.len(),
        2,
        "without it, both workers should have run on as orphans"
    );
}

#[test]
fn sigint_to_the_lesson_alone_ends_every_worker_by_the_parent_death_signal() {
    assert_eq!(survivors(libc::SIGINT, false, true), Vec::<u32>::new());
}
