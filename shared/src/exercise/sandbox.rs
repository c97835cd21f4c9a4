//! The judge's side: start a contained answer runner, ask it, observe it, end it and all it started.
//!
//! The runner is this same program started again, in its own process group, in a fresh temporary
//! folder, with an empty environment, limits on memory (address space), file size, open files and
//! CPU time, and `PR_SET_PDEATHSIG` so that it dies with the judge. Threads and processes are
//! bounded by a watchdog that reads `/proc` while the answer works: `RLIMIT_NPROC` counts every
//! process of the user across the machine, and does not apply to root at all. Whatever happens,
//! the judge measures the time and reads the thread count and CPU time itself.

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::tree;

/// Set in the runner's environment: "serve the answer", see [`super::runner::serve_if_runner`].
pub const RUNNER_ENV: &str = "LESSON_KIT_ANSWER_RUNNER";
/// Set in the runner's environment: the TCP ports its answer may connect to, comma-separated.
pub const CONNECT_ENV: &str = "LESSON_KIT_CONNECT_PORTS";
/// The runner's file descriptor for replies (stdout stays the answer's own).
pub const REPLY_FD: i32 = 3;
/// At most this much of what the answer prints is kept to quote.
const KEPT_OUTPUT: usize = 4096;
/// Samples in a row a thread must appear in to count as running beside others. Three (~2 ms)
/// leave out a joined thread still being torn down while the next one starts, which would
/// otherwise make an answer that joins each thread before the next look parallel.
pub const STEADY_SAMPLES: usize = 3;

/// What a runner is allowed. Every limit hit is reported by name.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Address space per process (`RLIMIT_AS`): bounds memory, and thread stacks with it.
    pub memory_bytes: u64,
    /// The largest file it may write (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
    /// Open file descriptors per process (`RLIMIT_NOFILE`).
    pub open_files: u64,
    /// CPU time per process (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Threads of the runner at once (watchdog).
    pub threads: usize,
    /// Processes below the runner at once (watchdog).
    pub processes: usize,
    /// Wall time for one reply.
    pub reply_within: Duration,
    /// TCP ports the answer may connect to (a server the judge started on 127.0.0.1). Landlock
    /// rules name ports, not addresses; every other TCP connect and every bind is refused.
    pub connect_ports: Vec<u16>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: 1 << 30,
            file_bytes: 64 << 20,
            open_files: 64,
            cpu_seconds: 60,
            threads: 64,
            processes: 8,
            reply_within: Duration::from_secs(20),
            connect_ports: Vec::new(),
        }
    }
}

/// One line between judge and runner.
#[derive(Serialize, Deserialize)]
pub enum Message<A> {
    /// The runner is contained and listening; what protects the files, in words.
    Ready(String),
    Done(A),
    Panicked(String),
}

/// Why the judge got no answer: what the answer did, in a student's words.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The runner could not be started at all.
    CannotStart(String),
    /// The answer ended its program itself (`exit`, or a panic hook that exits).
    Exited(i32),
    /// The program died of a signal that no limit explains.
    Signalled(String),
    /// A limit was hit; names the limit.
    Limit(String),
    /// No reply within the time allowed.
    NoReply(Duration),
    Panicked(String),
    /// Something other than a reply arrived on the reply channel.
    Garbled(String),
    /// The answer returned, but threads or processes it started were still running.
    LeftRunning(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::CannotStart(why) => write!(f, "the check could not start the answer: {why}"),
            Fault::Exited(code) => write!(
                f,
                "the answer ended the program (exit code {code}) before the check finished"
            ),
            Fault::Signalled(what) => write!(f, "the answer's program was killed: {what}"),
            Fault::Limit(what) => write!(f, "the answer hit a limit: {what}"),
            Fault::NoReply(limit) => write!(
                f,
                "the answer did not return within {} s: it sleeps, waits forever or loops",
                limit.as_secs()
            ),
            Fault::Panicked(message) if message.contains("not yet implemented") => write!(
                f,
                "not done yet: the code still reaches todo!() ({message})"
            ),
            Fault::Panicked(message) => write!(f, "the answer panicked: {message}"),
            Fault::Garbled(line) => {
                write!(f, "the answer wrote to the check's reply channel: {line:?}")
            }
            Fault::LeftRunning(what) => write!(
                f,
                "the answer returned but left {what} running: what it starts must end before it returns"
            ),
        }
    }
}

/// What the judge saw while the answer worked on one request.
#[derive(Debug, Clone)]
pub struct Observation<A> {
    pub reply: A,
    /// From writing the request to reading the reply, measured by the judge.
    pub wall: Duration,
    /// CPU time the runner used meanwhile, all its threads, read from `/proc` by the judge.
    pub cpu: Duration,
    /// The most threads the runner had at once beyond its main thread, counting only threads
    /// present in [`STEADY_SAMPLES`] samples in a row (~1 ms apart): a joined thread can still be
    /// listed in `/proc` for a moment while it exits, beside the next one it let start.
    pub peak_threads: usize,
    /// Threads seen at any time during the request beyond the main thread (sampled every ~1 ms;
    /// a thread that lived less than that may be missed).
    pub threads_seen: usize,
}

impl<A> Observation<A> {
    /// Cores used on average: CPU time over wall time.
    pub fn cores_used(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-9)
    }
}

#[derive(Default)]
struct Printed {
    text: String,
    bytes: usize,
}

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
                let limit = |resource, soft: u64, hard: u64| {
                    let value = libc::rlimit {
                        rlim_cur: soft,
                        rlim_max: hard,
                    };
                    libc::setrlimit(resource, &value)
                };
                limit(libc::RLIMIT_AS, l.memory_bytes, l.memory_bytes);
                limit(libc::RLIMIT_FSIZE, l.file_bytes, l.file_bytes);
                limit(libc::RLIMIT_NOFILE, l.open_files, l.open_files);
                limit(libc::RLIMIT_CPU, l.cpu_seconds, l.cpu_seconds + 1);
                limit(libc::RLIMIT_CORE, 0, 0);
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

    fn exchange<Q: Serialize, A: DeserializeOwned>(
        &mut self,
        request: &Q,
    ) -> Result<(Observation<A>, Option<String>), Fault> {
        let mut line = serde_json::to_string(request).expect("requests serialise");
        line.push('\n');
        let cpu_before = tree::cpu_time(self.pid);
        let started = Instant::now();
        if self.requests.write_all(line.as_bytes()).is_err() || self.requests.flush().is_err() {
            return Err(self.fault_after_exit());
        }
        let mut peak_threads = 0;
        let mut seen: BTreeSet<i32> = BTreeSet::new();
        let mut recent: VecDeque<BTreeSet<i32>> = VecDeque::with_capacity(STEADY_SAMPLES);
        let mut polls = 0u64;
        let reply = loop {
            match self.replies.recv_timeout(Duration::from_millis(1)) {
                Ok(reply) => break reply,
                Err(RecvTimeoutError::Disconnected) => return Err(self.fault_after_exit()),
                Err(RecvTimeoutError::Timeout) => {}
            }
            polls += 1;
            let ids: BTreeSet<i32> = tree::thread_ids(self.pid)
                .into_iter()
                .filter(|&id| id != self.pid)
                .collect();
            let threads = ids.len();
            seen.extend(&ids);
            if recent.len() == STEADY_SAMPLES {
                recent.pop_front();
            }
            recent.push_back(ids);
            if recent.len() == STEADY_SAMPLES {
                let steady = recent[0]
                    .iter()
                    .filter(|id| recent.iter().all(|sample| sample.contains(id)))
                    .count();
                peak_threads = peak_threads.max(steady);
            }
            if threads > self.limits.threads {
                return Err(Fault::Limit(format!(
                    "{threads} threads at once (at most {} allowed)",
                    self.limits.threads
                )));
            }
            if polls.is_multiple_of(10) {
                let processes = tree::with_descendants(self.pid).len() - 1;
                if processes > self.limits.processes {
                    return Err(Fault::Limit(format!(
                        "{processes} processes started (at most {} allowed)",
                        self.limits.processes
                    )));
                }
                if let Ok(Some(_)) = self.child.try_wait() {
                    return Err(self.fault_after_exit());
                }
            }
            if started.elapsed() > self.limits.reply_within {
                return Err(Fault::NoReply(self.limits.reply_within));
            }
        };
        let wall = started.elapsed();
        let cpu = tree::cpu_time(self.pid).saturating_sub(cpu_before);
        match serde_json::from_str::<Message<A>>(&reply) {
            Ok(Message::Done(reply)) => Ok((
                Observation {
                    reply,
                    wall,
                    cpu,
                    peak_threads,
                    threads_seen: seen.len(),
                },
                self.left_running(),
            )),
            Ok(Message::Panicked(message)) => Err(self.explain_panic(message)),
            _ => Err(Fault::Garbled(reply.chars().take(80).collect())),
        }
    }

    /// Threads or processes of the answer still running after it returned (given 100 ms to end).
    fn left_running(&self) -> Option<String> {
        let mut left = None;
        for _ in 0..20 {
            let processes: Vec<i32> = tree::with_descendants(self.pid)
                .into_iter()
                .filter(|&p| p != self.pid && !tree::is_zombie(p))
                .collect();
            let threads = tree::threads(self.pid).saturating_sub(1);
            left = if let Some(&first) = processes.first() {
                let name =
                    std::fs::read_to_string(format!("/proc/{first}/comm")).unwrap_or_default();
                Some(match processes.len() {
                    1 => format!("a process ({}, pid {first})", name.trim()),
                    n => format!("{n} processes (one is {}, pid {first})", name.trim()),
                })
            } else if threads > 0 {
                Some(format!(
                    "{threads} thread{}",
                    if threads == 1 { "" } else { "s" }
                ))
            } else {
                None
            };
            left.as_ref()?;
            std::thread::sleep(Duration::from_millis(5));
        }
        left
    }

    /// A thread that could not start because memory ran out is a limit, not a bug in the answer.
    /// With more threads still running than allowed, the thread limit is the one it broke, even
    /// if the watchdog did not look in time: 473 threads of 2 MiB fit in 1 GiB and start in
    /// 20-30 ms here, and on a busy machine the judge's thread may wait that long between looks.
    fn explain_panic(&self, message: String) -> Fault {
        if !message.contains("failed to spawn thread") {
            return Fault::Panicked(message);
        }
        let threads = tree::threads(self.pid).saturating_sub(1);
        if threads > self.limits.threads {
            return Fault::Limit(format!(
                "{threads} threads at once (at most {} allowed)",
                self.limits.threads
            ));
        }
        Fault::Limit(format!(
            "threads could not start within the {} MiB memory limit ({message})",
            self.limits.memory_bytes >> 20
        ))
    }

    /// The runner has gone (or is going): why, from its exit status and last words.
    fn fault_after_exit(&mut self) -> Fault {
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => break None,
            }
        };
        // Its last words (an allocation failure, a stack overflow) arrive on stderr: wait for
        // the pipes to close, briefly; a process the answer left running may hold them open.
        let deadline = Instant::now() + Duration::from_millis(300);
        while self.open_outputs.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let said = self.printed();
        let Some(status) = status else {
            return Fault::Garbled("the runner closed the reply channel".to_string());
        };
        if let Some(code) = status.code() {
            return Fault::Exited(code);
        }
        let signal = status.signal().unwrap_or(0);
        let limits = &self.limits;
        match signal {
            libc::SIGXCPU => {
                Fault::Limit(format!("more than {} s of CPU time", limits.cpu_seconds))
            }
            libc::SIGXFSZ => Fault::Limit(format!(
                "a file larger than {} MiB",
                limits.file_bytes >> 20
            )),
            libc::SIGABRT if said.contains("memory allocation of") => Fault::Limit(format!(
                "memory: more than {} MiB asked for",
                limits.memory_bytes >> 20
            )),
            libc::SIGABRT | libc::SIGSEGV if said.contains("overflowed its stack") => {
                Fault::Signalled("its stack overflowed (endless recursion?)".to_string())
            }
            libc::SIGABRT => Fault::Signalled("it aborted (SIGABRT)".to_string()),
            other => Fault::Signalled(format!("signal {other}")),
        }
    }

    /// What the answer printed on its stdout and stderr (the first few KiB), and how much.
    pub fn printed(&self) -> String {
        let printed = self.printed.lock().unwrap_or_else(|p| p.into_inner());
        if printed.bytes > printed.text.len() {
            format!("{}… ({} bytes in all)", printed.text, printed.bytes)
        } else {
            printed.text.clone()
        }
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

/// Keeps the first KiB of what the answer prints, counts the rest, and marks the pipe closed.
fn keep_output(
    pipe: Option<impl Read + Send + 'static>,
    printed: &Arc<Mutex<Printed>>,
    open: &Arc<AtomicUsize>,
) {
    let (printed, open) = (printed.clone(), open.clone());
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let mut printed = printed.lock().unwrap_or_else(|p| p.into_inner());
                printed.bytes += n;
                let room = KEPT_OUTPUT.saturating_sub(printed.text.len());
                let text = String::from_utf8_lossy(&buffer[..n.min(room)]).to_string();
                printed.text.push_str(&text);
            }
        }
        open.fetch_sub(1, Ordering::Release);
    });
}
