//! Ten thousand bad clients over raw TCP on 127.0.0.1: garbage bytes, requests cut off, lies about
//! lengths, absurd parameters, clients that hang up mid-response. Afterwards the server must still
//! answer correctly, hold no connection or request open, and have panicked nowhere.
//! (One test in this file: it installs a panic hook for the whole process.)

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use local_server::{LocalServer, client};

const RUDE_CLIENTS: usize = 10_000;
const THREADS: usize = 4;
/// Bounded in time: on a loaded two-core machine a debug build does all of it in seconds.
const DEADLINE: Duration = Duration::from_secs(120);
const PATIENCE: Duration = Duration::from_secs(5);

static PANICS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn ten_thousand_rude_clients_leave_the_server_answering() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Relaxed);
        report(info);
    }));
    let server = LocalServer::start().unwrap();
    let address = server.address();
    let deadline = Instant::now() + DEADLINE;
    let (sent, refusals) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|first| {
                scope.spawn(move || {
                    let (mut sent, mut refusals) = (0, 0);
                    for k in (first..RUDE_CLIENTS).step_by(THREADS) {
                        if Instant::now() > deadline {
                            break;
                        }
                        refusals += usize::from(be_rude(address, k as u64));
                        sent += 1;
                    }
                    (sent, refusals)
                })
            })
            .collect();
        workers.into_iter().fold((0, 0), |(s, r), worker| {
            let (sent, refusals) = worker.join().unwrap();
            (s + sent, r + refusals)
        })
    });
    assert_eq!(
        sent, RUDE_CLIENTS,
        "only {sent} rude clients within {DEADLINE:?}"
    );
    assert_eq!(
        refusals,
        RUDE_CLIENTS / KINDS as usize,
        "every absurd parameter got a 4xx"
    );

    let client = client::blocking(Duration::from_secs(10)).unwrap();
    let text = client
        .get(server.url("/delay/5"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(text, "waited 5 ms\n");
    let body = client
        .get(server.url("/bytes/100000"))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(body.len(), 100_000);
    drop(client);

    let settled = Instant::now() + PATIENCE;
    while server.stats().open_connections + server.stats().in_flight > 0 {
        assert!(Instant::now() < settled, "left open: {:?}", server.stats());
        std::thread::sleep(Duration::from_millis(10));
    }
    let stats = server.stats();
    println!("after {sent} rude clients: {stats:?}");
    assert!(stats.connections > RUDE_CLIENTS as u64, "{stats:?}");
    assert!(
        stats.broken_connections > 1_000,
        "garbage was counted: {stats:?}"
    );
    assert_eq!(stats.panics, 0, "{stats:?}");
    assert_eq!(PANICS.load(Relaxed), 0, "something panicked");
}

const KINDS: u64 = 10;

/// Rude client number `k`: one of ten kinds of bad behaviour, its details drawn from `k`.
/// Returns whether it was an absurd parameter refused with a 4xx.
fn be_rude(address: SocketAddr, k: u64) -> bool {
    let mut random = Random(k);
    let Ok(mut stream) = TcpStream::connect_timeout(&address, PATIENCE) else {
        panic!("connection {k} failed: the server stopped accepting");
    };
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    let valid = b"GET /delay/1 HTTP/1.1\r\nhost: localhost\r\n\r\n";
    // Writes may fail once the server has given up on us: that is its right.
    let _ = match k % KINDS {
        0 => {
            let len = 1 + random.below(512) as usize;
            stream.write_all(&random.bytes(len))
        }
        1 => stream.write_all(&valid[..random.below(valid.len() as u64) as usize]),
        2 => {
            let _ = stream.write_all(b"GET /bytes/4194304 HTTP/1.1\r\nhost: x\r\n\r\n");
            let _ = stream.read(&mut [0; 100]);
            return false; // hang up mid-response
        }
        3 => stream.write_all(
            [
                &b"GET /delay/1 HTTP/7.0\r\n\r\n"[..],
                b"FETCH ME NOW\r\n\r\n",
                b"GET\r\n\r\n",
                b"\r\n\r\n\r\n\r\n",
                b"GET /\x00\x01\xff HTTP/1.1\r\n\r\n",
            ][random.below(5) as usize],
        ),
        4 => {
            let path = [
                "/delay/1000000000000",
                "/bytes/1000000000000000",
                "/status/1",
                "/flaky/1000/x",
            ][random.below(4) as usize];
            let request = format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            let _ = stream.write_all(request.as_bytes());
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            return answer.starts_with(b"HTTP/1.1 4");
        }
        5 => stream.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nno colon here\r\nx\x00y: z\r\n\r\n"),
        6 if k % 100 == 6 => {
            // A header too large to buffer (hyper stops at 400 KiB), now and then.
            let mut huge = b"GET / HTTP/1.1\r\nx-huge: ".to_vec();
            huge.resize(huge.len() + 500_000, b'a');
            stream.write_all(&huge)
        }
        6 => stream.write_all(b"GET / HTTP/1.1\r\nx: \xc0\xc1\xf5\xff\r\n"),
        7 => stream.write_all(b"POST /delay/1 HTTP/1.1\r\ncontent-length: 1000\r\n\r\nabc"),
        8 => stream.write_all(b"GET /status/200 HTTP/1.1\r\nhost: x\r\n\r\nGARBAGE\0\0\r\n\r\n"),
        _ => stream.write_all(b"GET / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"),
    };
    // Half the rude clients wait for what the server says; the others just vanish.
    if random.below(2) == 0 {
        let _ = stream.shutdown(Shutdown::Write);
        let _ = stream.read_to_end(&mut Vec::new());
    }
    false
}

/// SplitMix64 (the kit's): the same rude clients on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        let out = lesson_kit::workload::splitmix64(self.0);
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}
