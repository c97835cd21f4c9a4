//! The process pool itself: results, crash containment and its accounting, garbage on the pipe,
//! and no worker process outliving the pool, whichever way the pool ends.

use std::path::Path;
use std::time::{Duration, Instant};

use lesson_04_process_pool::cpu_jobs::{
    ARTICLES_RANGE, GilUse, Setup, articles_range, sequential, under_gil, with_process_pool,
    with_rayon,
};
use lesson_04_process_pool::crashes::{account, dropped_while_busy, troubled_batch};
use lesson_04_process_pool::jobs::{
    Misbehaviour, Output, Task, checksum, prime_tasks, square_tasks,
};
use lesson_04_process_pool::pool::{Event, Job, Pool};
use lesson_04_process_pool::task_sizes::{TASK_SIZES, TOTAL_NUMBERS, same_total};
use lesson_04_process_pool::thumbnails::photo_batch;
use lesson_kit::process::{children, is_running, not_reaped};
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

/// A thumbnail is coarse work (tens of milliseconds): without checkpoints inside it, one
/// simulated Python thread would hold the GIL for a whole photo while the other waited.
#[test]
fn threads_under_the_gil_take_turns_inside_a_thumbnail() {
    let tasks: Vec<Task> = photo_batch(2)
        .into_iter()
        .map(|jpeg| Task::Thumbnail { jpeg })
        .collect();
    let recorder = Recorder::new();
    under_gil(&tasks, 2, GilUse::Held, &recorder);
    let rows = vec!["thread 0".into(), "thread 1".into()];
    let mut spans = recorder.finish("t", "t", rows).spans;
    spans.sort_by_key(|s| s.start);
    for row in 0..2 {
        assert!(
            spans.iter().any(|s| s.row == row),
            "thread {row} never ran: {spans:?}"
        );
    }
    // Two photos, one per thread: one turn each if a photo were a single step.
    assert!(
        spans.len() >= 6,
        "the threads should take turns inside each photo: {spans:?}"
    );
    for pair in spans.windows(2) {
        assert!(pair[1].start >= pair[0].end, "overlapping turns: {pair:?}");
    }
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
    assert_eq!(not_reaped(&pids), (vec![], 0), "a worker outlived the pool");
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
    let dropped = dropped_while_busy(setup());
    assert_eq!(
        (dropped.workers, dropped.left, dropped.zombies),
        (2, 0, 0),
        "{dropped:?}"
    );
    assert!(dropped.took < Duration::from_secs(2), "{dropped:?}");
}

/// The check runs inside the thread that made the pool, before that thread ends: a worker
/// must be gone because the pool's `Drop` killed and reaped it, not because a thread ended.
#[test]
fn a_pool_dropped_by_a_panic_leaves_no_process_behind() {
    std::thread::spawn(|| {
        let mut pool = Pool::start(program(), 2).unwrap();
        let pids = pool.all_pids().to_vec();
        let hang = Task::Misbehave(Misbehaviour::Hangs);
        for (task, worker) in pool.idle_workers().into_iter().enumerate() {
            pool.send(worker, Job { task, attempt: 1 }, &hang);
        }
        std::panic::set_hook(Box::new(|_| {}));
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _owned = pool;
            panic!("the program fails while the pool is busy");
        }));
        let _ = std::panic::take_hook();
        assert_eq!(
            not_reaped(&pids),
            (vec![], 0),
            "workers {pids:?} outlived the pool"
        );
    })
    .join()
    .unwrap();
}

/// Linux's parent-death signal fires when the *thread* that started a worker ends. A pool made
/// on a short-lived thread must keep its workers when that thread ends.
#[test]
fn a_pool_outlives_the_thread_that_started_it() {
    let mut pool = std::thread::spawn(|| {
        let mut pool = Pool::start(program(), 2).unwrap();
        // Once every worker has answered, each has asked for its parent-death signal.
        let tasks = vec![Task::Sleep { millis: 20 }; 2];
        assert!(pool.run(&tasks).iter().all(|r| r.outcome.is_ok()));
        pool
    })
    .join()
    .unwrap();
    let pids = pool.worker_pids();
    // Give a parent-death signal, if one were sent, time to arrive.
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        pids.iter().all(|&pid| is_running(pid)),
        "workers died with the thread"
    );
    // A replacement started now, from this thread, must survive this thread's helpers too.
    let reports = std::thread::scope(|s| {
        s.spawn(|| pool.run(&prime_tasks(10_000, 4)))
            .join()
            .unwrap()
    });
    assert!(reports.iter().all(|r| r.outcome.is_ok()), "{reports:?}");
    assert_eq!(pool.stats().workers_replaced, 0);
    assert_eq!(pool.worker_pids(), pids);
}

#[test]
fn the_articles_range_holds_39_primes() {
    assert_eq!(ARTICLES_RANGE, 1_000_000..1_000_500);
    assert_eq!(articles_range(setup()), (39, 39));
}

#[test]
fn the_task_sizes_share_one_total() {
    for numbers in TASK_SIZES {
        let total: u64 = same_total(numbers)
            .iter()
            .map(|t| match t {
                Task::SumOfSquares { n } => *n,
                other => panic!("{other:?}"),
            })
            .sum();
        assert_eq!(total, TOTAL_NUMBERS, "tasks of {numbers}");
    }
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
