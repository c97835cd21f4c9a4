//! `/delay/{ms}` answers after `ms` milliseconds: never sooner, and less than a tick and a half
//! later than a route without a timer.
//!
//! tokio 1.54's timer counts whole milliseconds: it rounds a deadline up to the end of its
//! millisecond and parks for whole milliseconds counted from the start of the current one
//! (`runtime/time/source.rs`, `deadline_to_tick`), so `sleep(20 ms)` lasts about 21 to 22 ms. The
//! route uses a timerfd of its own (`precise`); measured on this 2-core machine it adds 0.85 to
//! 0.93 ms over `/status/200` at 20 ms, where tokio's timer added 1.3 to 2.1 ms at 3 ms. Too close
//! to tell apart on a loaded machine, so this test holds the route to what it can promise: never
//! early, never more than 1.5 ms over.

use std::time::{Duration, Instant};

use lesson_kit::capacity::Capacity;
use lesson_kit::snapshot::judge_when_free;
use local_server::LocalServer;

/// The median over `n` sequential requests of how long `path` took, seen by the client.
fn median_round_trip(server: &LocalServer, path: &str, n: usize) -> Duration {
    let client = local_server::client::blocking(Duration::from_secs(10)).unwrap();
    let url = server.url(path);
    client.get(&url).send().unwrap().bytes().unwrap(); // the connection, opened once
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            let response = client.get(&url).send().unwrap();
            assert!(response.status().is_success(), "{path}");
            response.bytes().unwrap();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

#[test]
fn a_delay_is_never_shorter_and_at_most_one_and_a_half_ms_longer() {
    let server = LocalServer::start().unwrap();
    for ms in [3, 20] {
        let delay = Duration::from_millis(ms);
        // The round trip itself takes time: what the delay adds is the median of `/delay/{ms}`
        // minus that of `/status/200`, a route without a timer.
        // A loaded machine wakes the server's thread late too, so lateness is judged only when
        // the machine was free (measured again before failing); never answering early always.
        judge_when_free(&format!("/delay/{ms} is at most 1.5 ms late"), || {
            let capacity = Capacity::now(2);
            let (quick, slow) = (
                median_round_trip(&server, "/status/200", 15),
                median_round_trip(&server, &format!("/delay/{ms}"), 15),
            );
            assert!(slow >= delay, "/delay/{ms} answered after {slow:?}");
            let added = slow.saturating_sub(quick);
            let verdict = match added < delay + Duration::from_micros(1500) {
                true => Ok(()),
                false => Err(format!("took {added:?} longer than /status/200")),
            };
            (capacity, verdict)
        });
    }
}
