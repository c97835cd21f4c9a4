//! reqwest 0.13 reads `HTTP_PROXY` even without its `system-proxy` feature; the lessons' clients
//! ignore it. (One test in this file: it changes the environment of its own process.)

use std::time::Duration;

use local_server::{LocalServer, client, reqwest};

#[test]
fn a_proxy_in_the_environment_is_used_by_a_default_client_but_not_by_ours() {
    let server = LocalServer::start().unwrap();
    let proxy = local_server::refused_url().unwrap();
    // SAFETY: this test binary runs this one test, and no other thread reads the environment.
    unsafe {
        std::env::set_var("HTTP_PROXY", &proxy);
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let default_client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let error = default_client
        .get(server.url("/delay/1"))
        .send()
        .unwrap_err();
    assert!(error.is_connect(), "sent to the refused proxy: {error}");

    let ours = client::blocking(Duration::from_secs(5)).unwrap();
    let text = ours
        .get(server.url("/delay/1"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(text, "waited 1 ms\n");
}
