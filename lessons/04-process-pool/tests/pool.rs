//! The process pool itself: results, crash containment and its accounting, garbage on the pipe,
//! and no worker process outliving the pool, whichever way the pool ends.

use std::path::Path;
use std::time::{Duration, Instant};

use lesson_04_process_pool::cpu_jobs::{
    GilUse, Setup, sequential, under_gil, with_process_pool, with_rayon,
};
use lesson_04_process_pool::crashes::{account, dropped_while_busy, troubled_batch};
use lesson_04_process_pool::jobs::{
    Misbehaviour, Output, Task, checksum, prime_tasks, square_tasks,
};
use lesson_04_process_pool::pool::{Event, Job, Pool};
use lesson_04_process_pool::thumbnails::photo_batch;
use lesson_kit::process::{children, is_running};
use lesson_kit::timeline::Recorder;

fn program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lesson-04-process-pool"))
}

fn setup() -> Setup<'static> {
    Setup {
        program: program(),
        workers: 2,
        reps: 1,
        cores: 2,
    }
}

#[test]
fn every_variant_computes_the_same_results() {
    let mut tasks = prime_tasks(50_000, 6);
    tasks.extend(square_tasks(100_000, 3));
    tasks.extend(
        photo_batch(2)
            .into_iter()
            .map(|jpeg| Task::Thumbnail { jpeg }),
    );
    let expected = sequential(&tasks);
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    assert_eq!(with_rayon(&tasks, &threads), expected, "rayon");
    for gil_use in [GilUse::Held, GilUse::ReleasedInC] {
        assert_eq!(
            under_gil(&tasks, 2, gil_use, &Recorder::new()),
            expected,
            "{gil_use:?}"
        );
    }
    let (outputs, timeline) = with_process_pool(&tasks, program(), 3);
    assert_eq!(checksum(&outputs), checksum(&expected), "process pool");
    assert_eq!(timeline.expect("recorded").rows.len(), 3);
}

#[test]
fn crashes_are_contained_and_accounted_for() {
    let tasks = troubled_batch();
    let mut pool = Pool::start(program(), 2).unwrap();
    let reports = pool.run(&tasks);
    let stats = pool.stats();
    let pids = pool.all_pids().to_vec();
    pool.shutdown();
    let accounting = account(&reports);
    assert_eq!(accounting.submitted, 12);
    assert_eq!(
        (accounting.succeeded, accounting.failed),
        (9, 3),
        "{reports:#?}"
    );
    assert_eq!(
        accounting.attempts, 15,
        "abort, kill and garbage take two attempts each"
    );
    assert_eq!(stats.workers_replaced, 5);
    let why = |i: usize| reports[i].outcome.clone().unwrap_err();
    assert!(
        why(1).contains("panicked: index out of bounds"),
        "{}",
        why(1)
    );
    assert!(why(4).contains("SIGABRT"), "{}", why(4));
    assert!(
        why(10).contains("sent garbage") && why(10).contains("\"Hell\""),
        "{}",
        why(10)
    );
    assert!(reports[7].outcome.is_ok() && reports[7].lost_attempts[0].contains("SIGKILL"));
    assert!(
        pids.iter().all(|&pid| !is_running(pid)),
        "a worker outlived the pool"
    );
}

#[test]
fn a_worker_killed_from_outside_is_replaced_and_its_task_retried() {
    let mut pool = Pool::start(program(), 1).unwrap();
    let task = Task::SumOfSquares { n: 2_000_000_000 }; // long enough to be killed while running
    let worker = pool.idle_workers()[0];
    pool.send(
        worker,
        Job {
            task: 0,
            attempt: 1,
        },
        &task,
    );
    let victim = pool.worker_pids()[0];
    // SAFETY: kill sends a signal to a child process we started.
    unsafe { libc::kill(victim as i32, libc::SIGKILL) };
    match pool.next_event(Some(Duration::from_secs(10))) {
        Some(Event::Lost {
            job: Some(job),
            pid,
            cause,
            ..
        }) => {
            assert_eq!((job.task, pid), (0, victim));
            assert!(cause.contains("signal 9"), "{cause}");
        }
        other => panic!("expected the worker to be lost, got {other:?}"),
    }
    assert_ne!(pool.worker_pids()[0], victim, "a replacement was started");
    assert!(!is_running(victim));
    assert_eq!(pool.run(&[Task::Nothing])[0].outcome, Ok(Output::Nothing));
}

#[test]
fn a_pool_dropped_early_leaves_no_process_behind() {
    let ((workers, running), took) = dropped_while_busy(setup());
    assert_eq!((workers, running), (2, 0));
    assert!(took < Duration::from_secs(2), "dropping took {took:?}");
}

#[test]
fn a_pool_dropped_by_a_panic_leaves_no_process_behind() {
    let pids = std::thread::spawn(|| {
        let mut pool = Pool::start(program(), 2).unwrap();
        let pids = pool.all_pids().to_vec();
        let hang = Task::Misbehave(Misbehaviour::Hangs);
        for (i, worker) in pool.idle_workers().into_iter().enumerate() {
            pool.send(
                worker,
                Job {
                    task: i,
                    attempt: 1,
                },
                &hang,
            );
        }
        std::panic::set_hook(Box::new(|_| {}));
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _owned = pool;
            panic!("the program fails while the pool is busy");
        }));
        let _ = std::panic::take_hook();
        pids
    })
    .join()
    .unwrap();
    assert!(pids.iter().all(|&pid| !is_running(pid)), "{pids:?}");
}

#[test]
fn a_clean_shutdown_lets_every_worker_exit_by_itself() {
    let mut pool = Pool::start(program(), 2).unwrap();
    pool.run(&prime_tasks(10_000, 4));
    let pids = pool.all_pids().to_vec();
    let started = Instant::now();
    let endings = pool.shutdown();
    assert_eq!(endings, vec!["exited normally", "exited normally"]);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        pids.iter()
            .all(|&pid| !is_running(pid) && !children(std::process::id()).contains(&pid))
    );
}
