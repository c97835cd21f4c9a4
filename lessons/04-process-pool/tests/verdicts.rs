//! Speedup verdicts asserted against this machine, not against fixed times.
//!
//! Every test here takes one lock, so they run one at a time. Each measures interleaved
//! repetitions, judges the minimum times, and measures again (up to five times, after a pause)
//! before failing, so that a noisy moment cannot fail the build while a real loss of speedup
//! still does.

use std::path::Path;
use std::sync::Mutex;

use lesson_04_process_pool::cpu_jobs::{Setup, measure_job};
use lesson_04_process_pool::jobs::{Task, square_tasks};
use lesson_04_process_pool::thumbnails::photo_batch;
use lesson_kit::machine::cores;
use lesson_kit::measure::agreed_result;
use lesson_kit::speedup::Speedup;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const WORKERS: usize = 2;

/// Speedups over sequential of each variant after the first, from one measurement.
fn speedups(tasks: &[Task], released_gil: bool) -> Vec<(String, Speedup)> {
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
    let baseline = measured.runs[0].min_wall();
    measured.runs[1..]
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                Speedup::new(baseline, r.min_wall(), WORKERS, cores()),
            )
        })
        .collect()
}

fn ratio(speedups: &[(String, Speedup)], name: &str) -> f64 {
    speedups
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.ratio)
        .expect(name)
}

/// A clear margin: 65% of the ideal (1.3x on 2 cores); a pool whose workers wait for each
/// other, or threads that take turns, stay near 1x. Under the GIL: below 1.25x.
fn as_expected(s: &[(String, Speedup)]) -> bool {
    let clear = |name| ratio(s, name) >= 0.65 * s[0].1.ideal;
    clear("rayon threads") && clear("process pool") && ratio(s, "GIL simulator") < 1.25
}

/// Measures up to five times until the speedups are as expected; returns the last either way.
fn measure_until_expected(tasks: &[Task], released_gil: bool) -> Vec<(String, Speedup)> {
    let mut last = speedups(tasks, released_gil);
    for attempt in 2..=5 {
        if as_expected(&last) {
            break;
        }
        let summary: Vec<String> = last
            .iter()
            .map(|(n, s)| format!("{n} {:.2}x", s.ratio))
            .collect();
        eprintln!(
            "measuring again (attempt {attempt}): {}",
            summary.join(", ")
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
        last = speedups(tasks, released_gil);
    }
    last
}

fn assert_verdicts(tasks: &[Task], released_gil: bool) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if cores() < 2 {
        eprintln!("1 core: no parallel speedup is possible here; correctness checked only");
        speedups(tasks, released_gil);
        return;
    }
    let s = measure_until_expected(tasks, released_gil);
    let ideal = s[0].1.ideal;
    for name in ["rayon threads", "process pool"] {
        let r = ratio(&s, name);
        assert!(r >= 0.65 * ideal, "{name} reached only {r:.2}x of {ideal}x");
    }
    let gil = ratio(&s, "GIL simulator");
    assert!(
        gil < 1.25,
        "the GIL simulator ran {gil:.2}x faster than one thread: is the GIL held?"
    );
    if released_gil {
        let released = ratio(&s, "GIL released in C");
        assert!(
            released >= 0.65 * ideal,
            "releasing the GIL around C code gave only {released:.2}x"
        );
    }
}

#[test]
fn squares_speed_up_on_processes_and_threads_but_not_under_the_gil() {
    assert_verdicts(&square_tasks(4_000_000, 8), false);
}

#[test]
fn thumbnails_speed_up_on_processes_and_threads_and_with_the_gil_released() {
    let tasks: Vec<Task> = photo_batch(4)
        .into_iter()
        .map(|jpeg| Task::Thumbnail { jpeg })
        .collect();
    assert_verdicts(&tasks, true);
}
