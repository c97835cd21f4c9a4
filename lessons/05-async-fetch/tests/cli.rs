//! Bad input gets one line naming the bad value and what is allowed, and exit code 2.

use lesson_kit::conventions::{assert_shared_conventions, assert_usage_error};

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-05-async-fetch");

#[test]
fn the_shared_conventions_hold() {
    let experiments = [
        "four-ways",
        "arrival-order",
        "failures",
        "memory-per-waiter",
    ];
    assert_shared_conventions(LESSON, &experiments);
}

#[test]
fn counts_delays_and_limits_out_of_range_are_refused() {
    assert_usage_error(LESSON, &["--size", "0"], &["'0'", "1..=100000"]);
    assert_usage_error(
        LESSON,
        &["--delay-ms", "100000"],
        &["'100000'", "1..=10000"],
    );
    assert_usage_error(LESSON, &["--limit", "0"], &["'0'", "1..=10000"]);
    assert_usage_error(LESSON, &["--limit", "10,x"], &["'x'"]);
    assert_usage_error(LESSON, &["--tasks", "5"], &["'5'", "100..=1000000"]);
    assert_usage_error(
        LESSON,
        &["--threads", "100000"],
        &["'100000'", "10..=10000"],
    );
}

#[test]
fn json_has_numbers_as_numbers() {
    let output = lesson_kit::conventions::run(
        LESSON,
        &[
            "--only",
            "four-ways",
            "--size",
            "20",
            "--limit",
            "10",
            "--reps",
            "1",
            "--json",
        ],
    );
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.trim_start().starts_with('{'), "not JSON: {stdout}");
    assert!(stdout.contains("\"server_peak\": "), "{stdout}");
    assert!(
        stdout.contains("\"median_s\": 0."),
        "times must be seconds: {stdout}"
    );
}

#[test]
fn a_base_url_that_is_not_an_http_url_is_refused() {
    assert_usage_error(
        LESSON,
        &["--base-url", "not a url"],
        &["'not a url'", "URL"],
    );
    assert_usage_error(LESSON, &["--base-url", "https://example.com"], &["http://"]);
}

#[test]
fn a_base_url_sends_the_requests_to_another_server() {
    let other = local_server::LocalServer::start().unwrap();
    let output = lesson_kit::conventions::run(
        LESSON,
        &[
            "--only",
            "four-ways",
            "--size",
            "10",
            "--limit",
            "5",
            "--reps",
            "1",
        ]
        .into_iter()
        .chain(["--base-url", &other.base_url()])
        .collect::<Vec<_>>(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("the local server counted none"), "{stdout}");
    // The blocking loop and three ways at one limit, one run each: 40 requests reached it.
    assert_eq!(other.stats().answered, 40, "{stdout}");
}

#[test]
fn a_limit_the_descriptor_limit_cannot_hold_is_refused() {
    // Without the check, accept() fails with EMFILE and the ways wait out their timeouts.
    let output = std::process::Command::new("sh")
        .args(["-c", "ulimit -n 200 && exec \"$0\" \"$@\"", LESSON])
        .args(["--only", "four-ways", "--size", "200", "--limit", "150"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("--limit 150") && stderr.contains("up to 68"),
        "{stderr}"
    );
}

#[test]
fn options_that_would_run_longer_than_the_lesson_allows_are_refused() {
    // Each value is in its own range; together they would take days.
    assert_usage_error(
        LESSON,
        &[
            "--only",
            "four-ways",
            "--size",
            "100000",
            "--delay-ms",
            "10000",
            "--limit",
            "1",
        ],
        &[
            "four-ways would take at least",
            "allowed: at most 900 s",
            "--size",
        ],
    );
    assert_usage_error(
        LESSON,
        &[
            "--only",
            "articles",
            "--articles-urls",
            "100000",
            "--articles-delay-ms",
            "10000",
        ],
        &["articles would take at least", "allowed: at most 900 s"],
    );
}

#[test]
fn more_threads_than_rlimit_nproc_allows_are_refused() {
    use std::os::unix::process::CommandExt;
    // Without the check, thread creation fails with EAGAIN part-way through the experiment.
    let memory: &[&str] = &["--only", "memory-per-waiter", "--threads", "1000"];
    let pool: &[&str] = &["--only", "four-ways", "--size", "1000", "--limit", "1000"];
    for args in [memory, pool] {
        let mut lesson = std::process::Command::new(LESSON);
        lesson.args(args);
        // SAFETY: between fork and exec the child only calls setrlimit, which is async-signal-safe.
        unsafe {
            lesson.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 500,
                    rlim_max: 500,
                };
                match libc::setrlimit(libc::RLIMIT_NPROC, &limit) {
                    0 => Ok(()),
                    _ => Err(std::io::Error::last_os_error()),
                }
            });
        }
        let output = lesson.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("1000") && stderr.contains("up to 436"),
            "{stderr}"
        );
    }
}
