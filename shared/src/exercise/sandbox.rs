//! The judge's side: start a contained answer runner, ask it, observe it, end it and all it started.
//!
//! The runner is this same program started again, in its own process group, in a fresh temporary
//! folder, with an empty environment, limits on memory (address space), file size, open files and
//! CPU time, and `PR_SET_PDEATHSIG` so that it dies with the judge. Threads and processes are
//! bounded by a watchdog that reads `/proc` while the answer works: `RLIMIT_NPROC` counts every
//! process of the user across the machine, and does not apply to root at all. Whatever happens,
//! the judge measures the time and reads the thread count and CPU time itself.
//!
//! - `limits`: what a runner is allowed, and the kernel's limits set in the child.
//! - `watch`: one request watched: time, CPU, threads and processes, what was left running.
//! - `fault`: why there was no answer, in a student's words.
//! - `printed`: what the answer printed, kept to quote.
//!
//! The lines the judge and the runner exchange are in [`super::protocol`].

mod fault;
mod limits;
mod printed;
mod watch;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::protocol::{CONNECT_ENV, Message, REPLY_FD, RUNNER_ENV};
use super::tree;
pub use fault::Fault;
pub use limits::Limits;
use printed::{Printed, keep_output};
pub use watch::{Observation, STEADY_SAMPLES};

/// A running, contained answer runner. Dropping it kills everything it started.
pub struct Sandbox {
    child: Child,
    pid: i32,
    requests: ChildStdin,
    replies: Receiver<String>,
    printed: Arc<Mutex<Printed>>,
    open_outputs: Arc<AtomicUsize>,
    folder: PathBuf,
    limits: Limits,
    keep: BTreeSet<i32>,
    fault: Option<Fault>,
    /// What protects the files outside the runner's folder, as the runner reported it.
    pub files: String,
}

static STARTED: AtomicUsize = AtomicUsize::new(0);

impl Sandbox {
    /// Starts this program again as a contained answer runner and waits until it is listening.
    pub fn start(limits: Limits) -> Result<Sandbox, Fault> {
        tree::become_subreaper();
        let me = std::process::id() as i32;
        let keep: BTreeSet<i32> = tree::children(me).into_iter().collect();
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let folder = std::env::temp_dir().join(format!("lesson-kit-answer-{me}-{n}"));
        let cannot = |e: std::io::Error| Fault::CannotStart(e.to_string());
        std::fs::create_dir_all(&folder).map_err(cannot)?;
        let exe = std::env::current_exe().map_err(cannot)?;
        let (reply_reader, reply_writer) = std::io::pipe().map_err(cannot)?;
        let reply_fd = reply_writer.as_raw_fd();
        let mut command = Command::new(exe);
        command
            .env_clear()
            .env(RUNNER_ENV, "1")
            .env("PATH", "/usr/bin:/bin")
            .env("MALLOC_ARENA_MAX", "2")
            .env(CONNECT_ENV, ports(&limits.connect_ports))
            .current_dir(&folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let l = limits.clone();
        // SAFETY: between fork and exec only async-signal-safe calls: dup2, setrlimit, prctl.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(reply_fd, REPLY_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                l.set_in_child();
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(cannot)?;
        drop(command);
        drop(reply_writer);
        let pid = child.id() as i32;
        let requests = child.stdin.take().expect("stdin is piped");
        let printed = Arc::new(Mutex::new(Printed::default()));
        let open_outputs = Arc::new(AtomicUsize::new(2));
        keep_output(child.stdout.take(), &printed, &open_outputs);
        keep_output(child.stderr.take(), &printed, &open_outputs);
        let (sender, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(reply_reader).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut sandbox = Sandbox {
            child,
            pid,
            requests,
            replies,
            printed,
            open_outputs,
            folder,
            limits,
            keep,
            fault: None,
            files: String::new(),
        };
        match sandbox.replies.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => match serde_json::from_str::<Message<()>>(&line) {
                Ok(Message::Ready(files)) => sandbox.files = files,
                _ => {
                    return Err(Fault::CannotStart(format!(
                        "unexpected first line {line:?}"
                    )));
                }
            },
            Err(_) => {
                let fault = sandbox.fault_after_exit();
                return Err(Fault::CannotStart(fault.to_string()));
            }
        }
        Ok(sandbox)
    }

    /// Sends one request and waits for the reply, watching the runner's threads and processes.
    /// After a fault the runner is dead and every later request gets the same fault.
    pub fn ask<Q: Serialize, A: DeserializeOwned>(
        &mut self,
        request: &Q,
    ) -> Result<Observation<A>, Fault> {
        match self.ask_noting_leftovers(request)? {
            (observation, None) => Ok(observation),
            (_, Some(left)) => Err(Fault::LeftRunning(left)),
        }
    }

    /// Like [`Sandbox::ask`], but threads or processes the answer left running come back beside
    /// the reply instead of as a fault: for a reply that can itself say the answer had not
    /// finished (lesson 03's watched pipeline). After leftovers the runner is ended, as after a
    /// fault, and every later request gets [`Fault::LeftRunning`].
    pub fn ask_noting_leftovers<Q: Serialize, A: DeserializeOwned>(
        &mut self,
        request: &Q,
    ) -> Result<(Observation<A>, Option<String>), Fault> {
        if let Some(fault) = &self.fault {
            return Err(fault.clone());
        }
        let result = self.exchange(request);
        let fault = match &result {
            Err(Fault::Panicked(_)) | Ok((_, None)) => None,
            Err(fault) => Some(fault.clone()),
            Ok((_, Some(left))) => Some(Fault::LeftRunning(left.clone())),
        };
        if let Some(fault) = fault {
            self.fault = Some(fault);
            self.kill();
        }
        result
    }

    /// Kills the runner and everything it started, reaps them all, and removes its folder.
    fn kill(&mut self) {
        let mut keep = self.keep.clone();
        keep.insert(self.pid);
        tree::kill_all(self.pid, &[self.pid], &keep);
        let _ = self.child.wait();
        tree::kill_all(self.pid, &[], &self.keep);
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `[8080, 9090]` -> `"8080,9090"`.
fn ports(ports: &[u16]) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    ports.join(",")
}
