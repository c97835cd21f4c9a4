//! Each verdict on made-up batches: it holds for a right one and fails, naming the cause, when
//! the effect it looks for is there. The real answers go through `tests/check_works.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use super::verdicts::{CHECKS, STALL, Verdicts};
use super::{LAG_BOUND, request};
use crate::{BatchSeen, Request, Summary};

/// What a right answer's batch looks like to the judge.
fn right(request: &Request) -> BatchSeen {
    let ok: Vec<u32> = (request.customers.iter())
        .filter(|c| !request.missing.contains(c))
        .copied()
        .collect();
    let ms = Duration::from_millis;
    let loads: BTreeMap<u32, Vec<Duration>> = (request.customers.iter())
        .map(|&c| match request.busy_once.contains(&c) {
            true => (c, vec![ms(0), ms(request.retry_after_ms + 4)]),
            false => (c, vec![ms(0)]),
        })
        .collect();
    let failed = (request.missing.iter())
        .map(|&c| (c, crate::LoadError::Missing(c).to_string()))
        .collect();
    BatchSeen {
        summary: Summary {
            done: ok.clone(),
            failed,
        },
        worst_lag: ms(2),
        ticks: 40,
        loads,
        renders: ok.len(),
        peak_rendering: request.cpu_limit,
        saved: ok,
        ..BatchSeen::default()
    }
}

/// The checklist's failures for `seen`: name and message.
fn failures(request: &Request, seen: &BatchSeen, source: &str) -> Vec<(String, String)> {
    let verdicts = Verdicts {
        request,
        first: seen,
        tries: std::slice::from_ref(seen),
        source,
    };
    let results = CHECKS.iter().map(|(name, check)| (name, check(&verdicts)));
    results
        .filter_map(|(name, result)| result.err().map(|why| (name.to_string(), why)))
        .collect()
}

fn fails_with(seen: &BatchSeen, source: &str, check: &str, words: &str) {
    let request = request();
    let failed = failures(&request, seen, source);
    assert!(
        failed
            .iter()
            .any(|(name, why)| name == check && why.contains(words)),
        "expected {check:?} to fail with {words:?}, got {failed:#?}"
    );
}

#[test]
fn a_right_batch_passes_every_check() {
    let request = request();
    assert_eq!(failures(&request, &right(&request), ""), vec![]);
}

#[test]
fn a_lost_error_a_forgotten_save_and_an_error_counted_done_are_each_named() {
    let request = request();
    let mut lost = right(&request);
    lost.summary.failed.clear();
    fails_with(
        &lost,
        "",
        "every customer is in done or failed, once",
        "JoinSet",
    );

    let mut unsaved = right(&request);
    unsaved.saved.clear();
    fails_with(
        &unsaved,
        "",
        "every report is saved before returning",
        "awaited",
    );

    let mut counted = right(&request);
    let (customer, _) = counted.summary.failed.remove(0);
    counted.summary.done.push(customer);
    fails_with(
        &counted,
        "",
        "every error is reported, none counted as done",
        "as done",
    );
}

#[test]
fn renders_on_the_runtime_or_without_a_limit_are_each_named() {
    let request = request();
    let mut on_runtime = right(&request);
    (on_runtime.renders_on_runtime, on_runtime.worst_lag) = (8, Duration::from_millis(700));
    fails_with(&on_runtime, "", STALL, "spawn_blocking");

    let mut unlimited = right(&request);
    unlimited.peak_rendering = 8;
    fails_with(&unlimited, "", "at most 2 renders at once", "Semaphore");
}

#[test]
fn a_stall_names_the_blocking_line_and_a_stall_under_the_bound_passes() {
    let request = request();
    let mut slept = right(&request);
    slept.worst_lag = Duration::from_millis(150);
    let source = "fn f() {\n    // std::thread::sleep in a comment is not code\n    std::thread::sleep(d);\n}\n";
    fails_with(&slept, source, STALL, "line 3 calls std::thread::sleep");

    let mut loaded = right(&request);
    loaded.worst_lag = LAG_BOUND - Duration::from_millis(1);
    assert_eq!(failures(&request, &loaded, source), vec![]);
}

#[test]
fn the_controls_lag_is_taken_back_out_but_a_render_on_the_runtime_still_fails() {
    let request = request();
    let ms = Duration::from_millis;
    // The machine delayed an idle runtime's heartbeat by 50 ms too: the answer's own part is 40.
    let mut loaded = right(&request);
    (loaded.worst_lag, loaded.control_lag) = (ms(90), ms(50));
    assert_eq!(failures(&request, &loaded, ""), vec![]);
    // The same lag with a control that ran free is the answer's.
    loaded.control_lag = ms(1);
    fails_with(&loaded, "", STALL, "beyond an idle runtime's");
    // A render on the runtime's thread is a stall whatever the control says.
    let mut on_runtime = right(&request);
    (on_runtime.worst_lag, on_runtime.control_lag) = (ms(110), ms(80));
    on_runtime.renders_on_runtime = 1;
    fails_with(&on_runtime, "", STALL, "spawn_blocking");
}

#[test]
fn block_on_inside_the_runtime_is_explained() {
    let request = request();
    let mut panicked = right(&request);
    let message = "task 3 panicked with message \"Cannot start a runtime from within a runtime.\"";
    panicked.summary.failed.push((101, message.to_string()));
    panicked.summary.done.retain(|&c| c != 101);
    panicked.saved.retain(|&c| c != 101);
    fails_with(
        &panicked,
        "",
        "every report is saved before returning",
        ".await the future",
    );
}
