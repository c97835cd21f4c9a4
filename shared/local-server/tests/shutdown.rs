//! Dropping the server ends it: a request left waiting is answered or cut at once, and the one
//! thread it started is gone. (One test in this file, so no other test's threads are counted.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use local_server::LocalServer;

fn threads() -> usize {
    lesson_kit::measure::thread_count().expect("Linux counts a process's threads")
}

#[test]
fn dropping_the_server_ends_a_stalled_request_and_joins_its_only_thread() {
    let before = threads();
    let server = LocalServer::start().unwrap();
    assert_eq!(
        threads(),
        before + 1,
        "the server starts one thread, no pool"
    );

    let mut stalled = TcpStream::connect(server.address()).unwrap();
    stalled
        .write_all(b"GET /stall HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.stats().in_flight == 0 {
        assert!(Instant::now() < deadline, "the stall never arrived");
        std::thread::sleep(Duration::from_millis(5));
    }

    let started = Instant::now();
    drop(server);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    assert_eq!(threads(), before, "a thread outlived the server");

    stalled
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = String::new();
    stalled.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer:?}");
}
