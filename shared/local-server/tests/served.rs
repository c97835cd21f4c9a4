//! The server's own spans: when it received each request and when it handed over the last byte.

use std::time::{Duration, Instant};

use local_server::{LocalServer, client};

/// Waits until the server has kept `n` spans, for at most two seconds, and takes them.
fn take_when(server: &LocalServer, n: usize) -> local_server::Served {
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut served = local_server::Served::default();
    while served.spans.len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        let more = server.take_served();
        served.spans.extend(more.spans);
        served.dropped += more.dropped;
    }
    served
}

#[test]
fn a_span_runs_from_the_request_to_its_body_handed_over_within_the_clients_view() {
    let server = LocalServer::start().unwrap();
    let client = client::blocking(Duration::from_secs(5)).unwrap();
    client.get(server.url("/delay/5")).send().unwrap();
    assert!(
        server.take_served().spans.is_empty(),
        "nothing kept unless asked"
    );
    server.record_served(true);
    let sent = Instant::now();
    let body = client
        .get(server.url("/photo/1/30"))
        .send()
        .unwrap()
        .bytes();
    let had = Instant::now();
    assert!(body.unwrap().len() > 10_000);
    let served = take_when(&server, 1);
    assert_eq!((served.spans.len(), served.dropped), (1, 0), "{served:?}");
    let span = served.spans[0];
    assert_eq!((span.route, span.whole), ("photo", true));
    assert!(sent <= span.received && span.ended <= had, "{span:?}");
    assert!(span.ended - span.received >= Duration::from_millis(30));
    assert!(server.take_served().spans.is_empty(), "a take forgets");
}

#[test]
fn a_client_that_gives_up_leaves_a_span_that_is_not_whole() {
    let server = LocalServer::start().unwrap();
    server.record_served(true);
    let impatient = client::blocking(Duration::from_millis(50)).unwrap();
    assert!(impatient.get(server.url("/delay/5000")).send().is_err());
    let served = take_when(&server, 1);
    assert_eq!(served.spans.len(), 1, "{served:?}");
    assert_eq!(
        (served.spans[0].route, served.spans[0].whole),
        ("delay", false)
    );
    server.reset_stats();
    assert!(server.take_served().spans.is_empty());
}
