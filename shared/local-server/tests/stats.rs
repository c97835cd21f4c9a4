//! The server's counts: what lessons and exercise checks use to prove a concurrency limit.

use std::io::Read;
use std::time::{Duration, Instant};

use local_server::{LocalServer, client};

/// A current-thread runtime, built explicitly as the lessons do.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Waits until `done` holds, for at most two seconds (counts change on the server's thread).
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

/// Sends `total` requests for `/delay/{ms}`, at most `limit` at a time, from one async client.
fn fetch_with_limit(server: &LocalServer, total: usize, limit: usize, ms: u64) {
    let client = client::asynchronous(Duration::from_secs(10)).unwrap();
    runtime().block_on(async {
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(limit));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..total {
            let (client, permits) = (client.clone(), permits.clone());
            let url = server.url(&format!("/delay/{ms}"));
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                let body = client.get(url).send().await.unwrap().text().await.unwrap();
                assert_eq!(body, format!("waited {ms} ms\n"));
            });
        }
        while let Some(finished) = tasks.join_next().await {
            finished.unwrap();
        }
    });
}

/// The most in flight the server saw for `total` requests at most `limit` at a time. On a busy
/// machine the client may start its requests so slowly that the first ones are done before the
/// last begin: then it tries again with a longer delay before it reports a lower peak.
fn peak_seen(server: &LocalServer, total: usize, limit: usize) -> u64 {
    let mut peak = 0;
    for ms in [100, 400, 1_600] {
        server.reset_stats();
        fetch_with_limit(server, total, limit, ms);
        let stats = server.stats();
        assert_eq!(
            (stats.received, stats.answered),
            (total as u64, total as u64)
        );
        assert!(
            stats.peak_in_flight <= limit as u64,
            "over the limit: {stats:?}"
        );
        peak = stats.peak_in_flight;
        if peak == limit as u64 {
            break;
        }
    }
    peak
}

#[test]
fn the_peak_in_flight_is_the_client_limit() {
    let server = LocalServer::start().unwrap();
    assert_eq!(peak_seen(&server, 60, 12), 12);
    assert!(eventually(|| server.stats().in_flight == 0));
    assert_eq!(peak_seen(&server, 10, 3), 3);
    assert_eq!(server.stats().panics, 0);
}

#[test]
fn a_request_is_in_flight_until_its_body_is_sent() {
    let server = LocalServer::start().unwrap();
    let client = client::blocking(Duration::from_secs(10)).unwrap();
    // 64 MiB cannot all wait in the socket buffers: the server is still sending when we look.
    let mut response = client.get(server.url("/bytes/67108864")).send().unwrap();
    let mut first = [0u8; 4096];
    response.read_exact(&mut first).unwrap();
    assert_eq!(&first[..3], b"abc");
    let stats = server.stats();
    assert_eq!((stats.answered, stats.in_flight), (1, 1), "{stats:?}");
    drop(response);
    assert!(eventually(|| server.stats().in_flight == 0));
}
