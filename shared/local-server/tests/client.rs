//! The lessons' clients reach the server, blocking and async, and one client is reused.

use std::time::Duration;

use local_server::{LocalServer, client};

#[test]
fn the_blocking_client_fetches_and_reuses_its_connection() {
    let server = LocalServer::start().unwrap();
    let client = client::blocking(Duration::from_secs(5)).unwrap();
    for _ in 0..5 {
        let text = client
            .get(server.url("/delay/1"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(text, "waited 1 ms\n");
    }
    let stats = server.stats();
    assert_eq!(stats.answered, 5);
    assert_eq!(
        stats.connections, 1,
        "one client keeps one connection alive: {stats:?}"
    );
}

#[test]
fn the_async_client_fetches_on_a_current_thread_runtime() {
    let server = LocalServer::start().unwrap();
    let client = client::asynchronous(Duration::from_secs(5)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let photo = runtime.block_on(async {
        let response = client.get(server.url("/image/7")).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        response.bytes().await.unwrap()
    });
    assert!(photo.starts_with(&[0xFF, 0xD8]), "a JPEG starts with FF D8");
    assert_eq!(server.stats().answered, 1);
}
