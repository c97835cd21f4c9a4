//! Every route answers what its documentation says, and refuses what is beyond its limits.

use std::time::{Duration, Instant};

use local_server::LocalServer;
use local_server::client;
use local_server::reqwest::StatusCode;
use local_server::reqwest::blocking::{Client, Response};

fn get(client: &Client, server: &LocalServer, path: &str) -> Response {
    client.get(server.url(path)).send().expect(path)
}

fn setup() -> (LocalServer, Client) {
    let server = LocalServer::start().unwrap();
    (server, client::blocking(Duration::from_secs(10)).unwrap())
}

#[test]
fn delay_answers_after_the_delay_asked_for() {
    let (server, client) = setup();
    let started = Instant::now();
    let response = get(&client, &server, "/delay/50");
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().unwrap(), "waited 50 ms\n");
}

#[test]
fn bytes_sends_exactly_the_length_asked_for() {
    let (server, client) = setup();
    for n in [0, 1, 65_536, 1_000_003] {
        let response = get(&client, &server, &format!("/bytes/{n}"));
        assert_eq!(response.content_length(), Some(n));
        assert_eq!(response.bytes().unwrap().len() as u64, n);
    }
}

#[test]
fn image_serves_the_same_jpeg_for_the_same_photo() {
    let (server, client) = setup();
    let photo = |id: u32| {
        get(&client, &server, &format!("/image/{id}"))
            .bytes()
            .unwrap()
    };
    let (three, eleven, four) = (photo(3), photo(11), photo(4));
    assert_eq!(three, eleven, "8 photos: ids 3 and 11 are the same one");
    assert_ne!(three, four);
    let decoded = lesson_04_codec::decode_jpeg(&three).unwrap();
    assert_eq!((decoded.width, decoded.height), (640, 480));
    // The slow route sends the same photo, after its delay.
    let started = Instant::now();
    let slow = get(&client, &server, "/image/3/40").bytes().unwrap();
    assert_eq!(slow, three);
    assert!(started.elapsed() >= Duration::from_millis(40));
}

#[test]
fn status_answers_the_code_asked_for() {
    let (server, client) = setup();
    for code in [200, 204, 404, 418, 500, 503, 599] {
        let response = get(&client, &server, &format!("/status/{code}"));
        assert_eq!(response.status().as_u16(), code);
    }
}

#[test]
fn flaky_fails_the_same_attempts_on_every_run_and_a_retry_can_succeed() {
    let outcomes = || {
        let (server, client) = setup();
        (0..40)
            .map(|key| get(&client, &server, &format!("/flaky/50/k{key}")).status())
            .collect::<Vec<_>>()
    };
    let first = outcomes();
    assert_eq!(first, outcomes(), "the same requests, the same failures");
    let failed = first.iter().filter(|s| s.is_server_error()).count();
    assert!((8..=32).contains(&failed), "{failed} of 40 failed at 50%");

    let (server, client) = setup();
    let attempts_until_ok =
        (1..=20).find(|_| get(&client, &server, "/flaky/50/retried").status() == StatusCode::OK);
    assert!(attempts_until_ok.is_some(), "20 attempts at 50% all failed");
    let always = get(&client, &server, "/flaky/100/broken");
    assert_eq!(always.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(always.headers()["x-attempt"], "1");
    assert_eq!(
        get(&client, &server, "/flaky/100/broken").headers()["x-attempt"],
        "2"
    );
}

#[test]
fn absurd_parameters_are_refused_at_once_and_unknown_paths_are_not_found() {
    let (server, client) = setup();
    let started = Instant::now();
    let long_key = format!("/flaky/10/{}", "k".repeat(101));
    let refused = [
        "/delay/1000000000000",
        "/delay/-5",
        "/delay/soon",
        "/bytes/",
        "/bytes/1000000000000000",
        "/image/10000000",
        "/image/1/1000000000000",
        "/image/10000000/5",
        "/status/99",
        "/status/600",
        "/flaky/101/a",
        &long_key,
    ];
    for path in refused {
        let response = get(&client, &server, path);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(response.text().unwrap().contains("must be") || path == long_key);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a refusal waited"
    );
    for path in ["/nothing", "/delay", "/delay/1/2", "//delay/1"] {
        assert_eq!(
            get(&client, &server, path).status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let post = client.post(server.url("/delay/1")).send().unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(server.stats().panics, 0);
}

#[test]
fn stall_outlasts_the_client_timeout() {
    let server = LocalServer::start().unwrap();
    let impatient = client::blocking(Duration::from_millis(200)).unwrap();
    let error = impatient.get(server.url("/stall")).send().unwrap_err();
    assert!(error.is_timeout(), "{error}");
}

#[test]
fn a_refused_url_refuses_connections() {
    let client = client::blocking(Duration::from_secs(5)).unwrap();
    let error = client
        .get(local_server::refused_url().unwrap())
        .send()
        .unwrap_err();
    assert!(error.is_connect(), "{error}");
}

#[test]
fn drip_sends_the_head_at_once_and_the_body_slowly() {
    let (server, client) = setup();
    let started = Instant::now();
    let response = get(&client, &server, "/drip/4/100");
    let head = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), Some(4 * 64));
    // While the body drips, the server still counts the request in flight.
    assert_eq!(server.stats().in_flight, 1, "{:?}", server.stats());
    let body = response.bytes().unwrap();
    let whole = started.elapsed();
    assert_eq!(body.len(), 4 * local_server::routes::DRIP_CHUNK);
    assert!(head < Duration::from_millis(100), "head after {head:?}");
    assert!(whole >= Duration::from_millis(300), "body after {whole:?}");
    for absurd in ["/drip/0/10", "/drip/1001/10", "/drip/3/1001", "/drip/x/1"] {
        assert_eq!(
            get(&client, &server, absurd).status(),
            StatusCode::BAD_REQUEST
        );
    }
}

#[test]
fn flaky_attempts_are_timed_on_arrival() {
    let (server, client) = setup();
    get(&client, &server, "/flaky/100/timed");
    std::thread::sleep(Duration::from_millis(30));
    get(&client, &server, "/flaky/100/timed");
    let seen = server.flaky_attempts("timed");
    assert_eq!(seen.attempts, 2);
    assert!(seen.arrived[1] - seen.arrived[0] >= Duration::from_millis(30));
    server.reset_stats();
    assert_eq!(server.flaky_attempts("timed").attempts, 0);
}
