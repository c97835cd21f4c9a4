//! The four ways' exact facts: every URL fetched by every way in every run, and the server's
//! count of requests in flight within each way's limit (and above 1 where the limit allows it).

use lesson_kit::{Section, phrase};

use super::WayRuns;

/// Checks what must hold whatever the machine: every URL answered, no thread refused, the limit
/// kept on the server, and requests overlapping wherever the limit lets them.
pub(super) fn check(section: &mut Section, runs: &[WayRuns], n: usize, elsewhere: Option<&str>) {
    for r in runs {
        let failed = r.results.iter().find_map(|(_, b)| b.first_error.clone());
        let all = r.results.iter().all(|(_, b)| b.ok == n);
        let mut line = phrase!(
            "{}: all {} URLs answered 200 and read, in every run",
            r.name.as_str(),
            n
        );
        if let Some(error) = failed {
            line = phrase!("{}: not every URL was fetched: {}", r.name.as_str(), error);
        }
        section.check(all, line);
        if let Some(refused) = r
            .results
            .iter()
            .find_map(|(_, b)| b.threads_refused.clone())
        {
            let why = phrase!(
                "{}: the system refused some threads: {}",
                r.name.as_str(),
                refused
            );
            section.check(false, why);
        }
    }
    if let Some(base) = elsewhere {
        let why = format!("the requests went to {base}: the local server counted none in flight");
        section.result(why.as_str());
        return;
    }
    let within = runs.iter().all(|r| {
        r.results
            .iter()
            .all(|(limit, b)| b.server_peak <= *limit as u64)
    });
    section.check(
        within,
        "the server never had more requests in flight than the way's limit",
    );
    // However busy the machine, requests that wait 10 ms each overlap: a way that never had two
    // on the server at once did not run them concurrently. (How near the limit it came depends
    // on the machine: the table shows it.)
    let overlapped = runs.iter().all(|r| {
        let limit = r.results[0].0;
        limit < 2 || r.results.iter().any(|(_, b)| b.server_peak >= 2)
    });
    section.check(
        overlapped,
        "every way with a limit above 1 had more than one request in flight on the server",
    );
}
