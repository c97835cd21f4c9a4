//! Speedup verdicts asserted against this machine, not against fixed times.
//!
//! Every test here takes one lock, so they run one at a time. Each measures interleaved
//! repetitions with the machine's capacity probed between them, judges them as the lesson does
//! (one thread's minimum over each variant's median), and measures again (up to five times, after
//! a pause) before failing. Speed is judged only when the machine was free: a noisy moment or
//! another busy program cannot fail the build, while a real loss of speedup on a free machine
//! still does.

use std::path::Path;
use std::sync::Mutex;

use lesson_04_process_pool::cpu_jobs::{Setup, measure_job};
use lesson_04_process_pool::jobs::{Task, square_tasks};
use lesson_04_process_pool::thumbnails::photo_batch;
use lesson_kit::capacity::Capacity;
use lesson_kit::machine::cores;
use lesson_kit::measure::agreed_result;
use lesson_kit::snapshot::judge_when_free;
use lesson_kit::speedup::{Speedup, compare};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const WORKERS: usize = 2;

/// Speedups over sequential of each variant after the first, from one measurement, and the
/// capacity measured with them. The variants must agree, whatever the machine.
fn speedups(tasks: &[Task], released_gil: bool) -> (Capacity, Vec<(String, Speedup)>) {
    let setup = Setup {
        program: Path::new(env!("CARGO_BIN_EXE_lesson-04-process-pool")),
        workers: WORKERS,
        reps: 3,
        cores: cores(),
    };
    let measured = measure_job(tasks, setup, released_gil);
    assert!(
        agreed_result(&measured.runs).is_ok(),
        "the variants disagree"
    );
    // Judged as the lesson judges them: one thread's minimum over each variant's median.
    let comparison = compare(
        &measured.runs,
        WORKERS,
        &measured.capacity,
        "workers",
        String::new(),
    );
    let speedups = measured.runs[1..]
        .iter()
        .zip(&comparison.speedups[1..])
        .map(|(r, speedup)| (r.name.clone(), *speedup))
        .collect();
    (comparison.capacity, speedups)
}

fn ratio(speedups: &[(String, Speedup)], name: &str) -> f64 {
    speedups
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.ratio)
        .expect(name)
}

/// A clear margin: 65% of the ideal (1.3x on 2 free cores); a pool whose workers wait for each
/// other, or threads that take turns, stay near 1x. Under the GIL: below 1.25x.
fn as_expected(s: &[(String, Speedup)], released_gil: bool) -> Result<(), String> {
    let ideal = s[0].1.ideal;
    let mut clear = vec!["rayon threads", "process pool"];
    if released_gil {
        clear.push("GIL released in C");
    }
    for name in clear {
        let r = ratio(s, name);
        if r < 0.65 * ideal {
            return Err(format!("{name} reached only {r:.2}x of {ideal:.2}x"));
        }
    }
    let gil = ratio(s, "GIL simulator");
    if gil >= 1.25 {
        return Err(format!(
            "the GIL simulator ran {gil:.2}x faster than one thread: is the GIL held?"
        ));
    }
    Ok(())
}

fn assert_verdicts(tasks: &[Task], released_gil: bool) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    judge_when_free("processes and threads speed up, the GIL does not", || {
        let (capacity, s) = speedups(tasks, released_gil);
        (capacity, as_expected(&s, released_gil))
    });
}

#[test]
fn squares_speed_up_on_processes_and_threads_but_not_under_the_gil() {
    assert_verdicts(&square_tasks(4_000_000, 8), false);
}

#[test]
fn thumbnails_speed_up_on_processes_and_threads_and_with_the_gil_released() {
    // Eight of a debug build's 1500x1000 photos: about the work of four 3000x2000 ones, long
    // enough that the pool's start-up does not decide its speedup.
    let tasks: Vec<Task> = photo_batch(8)
        .into_iter()
        .map(|jpeg| Task::Thumbnail { jpeg })
        .collect();
    assert_verdicts(&tasks, true);
}
