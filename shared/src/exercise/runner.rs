//! The answer runner: the only process in which a student's functions are ever called.
//!
//! The judge starts the exercise's own binary again with [`RUNNER_ENV`] set, with limits already
//! in place (see `sandbox`). Before any answer code runs, the runner restricts its own file
//! access with Landlock, then answers one JSON request per line on stdin with one JSON reply per
//! line on file descriptor 3. Its stdout and stderr are the answer's own: the judge only quotes
//! them.

use std::io::{BufRead, Write};
use std::os::fd::FromRawFd;
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::protocol::{CONNECT_ENV, Message, REPLY_FD, RUNNER_ENV};

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// In the runner (the judge started this binary with [`RUNNER_ENV`]): serves requests with
/// `answer` and exits, never returning. Anywhere else: returns at once. Call it first in `main`.
pub fn serve_if_runner<Q: DeserializeOwned, A: Serialize>(answer: impl Fn(Q) -> A) {
    if std::env::var_os(RUNNER_ENV).is_none() {
        return;
    }
    // SAFETY: the judge opened fd 3 for replies before starting this process; nothing else owns it.
    let mut replies = unsafe { std::fs::File::from_raw_fd(REPLY_FD) };
    // Processes the answer starts must not inherit the request or reply pipe.
    for fd in [0, REPLY_FD] {
        // SAFETY: fcntl on our own descriptors, with integer arguments.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
    }
    let files = restrict_files();
    send(&mut replies, &Message::<A>::Ready(files));
    std::panic::set_hook(Box::new(|info| {
        *PANIC_MESSAGE.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(crate::panics::message_with_location(info));
    }));
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = match serde_json::from_str::<Q>(&line) {
            Err(e) => Message::Panicked(format!("the runner could not read a request: {e}")),
            Ok(request) => {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(request))) {
                    Ok(result) => Message::Done(result),
                    Err(_) => Message::Panicked(
                        PANIC_MESSAGE
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .take()
                            .unwrap_or_else(|| "a panic (its message was hidden)".to_string()),
                    ),
                }
            }
        };
        send(&mut replies, &reply);
    }
    std::process::exit(0)
}

fn send<A: Serialize>(replies: &mut std::fs::File, message: &Message<A>) {
    let mut line = serde_json::to_string(message).unwrap_or_default();
    line.push('\n');
    if replies.write_all(line.as_bytes()).is_err() {
        std::process::exit(0)
    }
}

/// Limits this process and all it starts to reading the system's programs and libraries and
/// writing only its working folder; no signals or abstract sockets beyond itself; no TCP but
/// connections to the ports the judge named in [`CONNECT_ENV`] (its own server's).
/// Returns what holds, in words, for the checklist.
#[cfg(target_os = "linux")]
fn restrict_files() -> String {
    use landlock::{
        ABI, Access, AccessFs, AccessNet, NetPort, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
        Scope, path_beneath_rules,
    };
    let abi = ABI::V7;
    let Ok(folder) = std::env::current_dir() else {
        return "files NOT protected: the runner has no working folder".to_string();
    };
    let exe = std::env::current_exe().unwrap_or_default();
    let ports: Vec<u16> = std::env::var(CONNECT_ENV)
        .unwrap_or_default()
        .split(',')
        .filter_map(|port| port.parse().ok())
        .collect();
    let readable = [
        "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev",
    ];
    let result = landlock::Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules(readable, AccessFs::from_read(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules([&exe], AccessFs::from_read(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules(["/dev/null"], AccessFs::from_file(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules([&folder], AccessFs::from_all(abi))))
        .and_then(|r| {
            r.add_rules(ports.iter().map(|&port| {
                Ok::<_, landlock::RulesetError>(NetPort::new(port, AccessNet::ConnectTcp))
            }))
        })
        .and_then(|r| r.restrict_self());
    match result {
        Ok(status) => match status.ruleset {
            RulesetStatus::FullyEnforced => {
                "files outside its folder protected (Landlock, fully enforced)".to_string()
            }
            RulesetStatus::PartiallyEnforced => {
                "files outside its folder protected (Landlock, partly: an older kernel)".to_string()
            }
            RulesetStatus::NotEnforced => {
                "files NOT protected: this kernel has no Landlock (Linux 5.13 or later has it)"
                    .to_string()
            }
        },
        Err(e) => format!("files NOT protected: Landlock failed ({e})"),
    }
}

#[cfg(not(target_os = "linux"))]
fn restrict_files() -> String {
    "files NOT protected: Landlock exists only on Linux".to_string()
}
