//! The judge: it starts the local server, runs each batch through a fresh contained runner and
//! decides from what the *server* counted, not from what the answer says: the most requests in
//! flight at once (with quick bodies, then with bodies that drip slowly), how many attempts of
//! each failing URL arrived and how far apart, and one report per URL in the order given. The
//! batch's time is measured here, against the ideal for the limit. Every failure says what the
//! answer did.

mod expected;
mod limit;
mod outcomes;

use std::time::Duration;

use lesson_kit::exercise::{Checklist, Contained, Fault, Judged, Limits, Observation, Sandbox};
use local_server::LocalServer;
use local_server::routes::fails;

use crate::{BatchSeen, MAX_ATTEMPTS, Request};

/// The limit every batch asks for: fewer than the URLs, so it must hold them back.
const LIMIT: usize = 3;
/// A speed or a peak that fell short is measured again, this many times in all, before it fails.
const TRIES: usize = 3;
/// On a busy machine, a batch too slow is measured up to this many times in all.
const BUSY_TRIES: usize = 6;
/// The client's timeout per request, set by the runner: nothing here should come near it.
const TIMEOUT_MS: u64 = 3_000;

/// `cargo run -p lesson-05-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 05's exercise");
    let server = match LocalServer::start() {
        Ok(server) => server,
        Err(e) => {
            println!("✗ the check could not start its local server: {e}");
            std::process::exit(1)
        }
    };
    let mut judge = Judge::new(server);
    let checklist = judge.check();
    let network = match judge.network_contained {
        Some(true) => {
            "it could reach the check's server and nothing else (a second server, \
                       on another port, saw none of its requests)"
        }
        Some(false) => "its network was NOT contained: it reached a port it was not allowed",
        None if judge.runner.files.contains("fully enforced") => {
            "TCP connections only to the check's server (Landlock)"
        }
        None => "its network was not restricted (no Landlock network rules on this kernel)",
    };
    println!(
        "The answer ran contained: {}; {network}.",
        judge.runner.files
    );
    print!("{}", judge.runner.notes);
    // The server's thread is joined before the process exits.
    drop(judge);
    checklist.print_and_exit()
}

/// Runs the checks in turn, each with a fresh runner, against one server.
pub struct Judge {
    server: LocalServer,
    /// A URL where nothing listens: "connection refused".
    refused: String,
    /// A second server, on a port the answer may not connect to: it must see no request.
    outside: Option<LocalServer>,
    /// Whether the outside server was tried and saw nothing (where Landlock restricts TCP).
    pub network_contained: Option<bool>,
    /// Each check's runner, what protects the files, and what the answer printed.
    pub runner: Contained,
    /// The peak with quick bodies went over the limit: the dripping bodies' peak says nothing new.
    limit_broken: bool,
    /// Makes every `/flaky` key new, so no check sees another's attempts.
    keys: u64,
}

type Check = fn(&mut Judge, &mut Sandbox) -> Result<String, Judged>;

fn wrong<T>(why: String) -> Result<T, Judged> {
    Err(Judged::Wrong(why))
}

impl Judge {
    pub fn new(server: LocalServer) -> Judge {
        Judge {
            server,
            refused: local_server::refused_url().unwrap_or_else(|_| "http://127.0.0.1:9".into()),
            outside: LocalServer::start().ok(),
            network_contained: None,
            runner: Contained::new(),
            limit_broken: false,
            keys: 0,
        }
    }

    pub fn check(&mut self) -> Checklist {
        let mut checklist = Checklist::new();
        let checks: [(&str, Check); 5] = [
            (
                "every URL gets one outcome, in order",
                Judge::one_outcome_each,
            ),
            (
                "5xx answers are retried with back-off",
                Judge::retries_back_off,
            ),
            ("at most 3 requests in flight", Judge::limit_held),
            (
                "a request counts until its body is read",
                Judge::limit_held_while_bodies_drip,
            ),
            ("the batch ends close to the ideal", Judge::close_to_ideal),
        ];
        for (name, check) in checks {
            let result = self.contained(name, check);
            checklist.record_unless_busy(name, result);
        }
        checklist
    }

    /// Runs one check in a fresh runner and turns its faults into the check's failure.
    fn contained(&mut self, name: &str, check: Check) -> Result<String, String> {
        let limits = self.limits();
        // The check needs the judge (its server) while the runner runs it.
        let mut runner = std::mem::take(&mut self.runner);
        let result = runner.check(name, limits, |sandbox| check(self, sandbox));
        self.runner = runner;
        result
    }

    /// The server's port and the refused one are the only ones the answer may connect to.
    fn limits(&self) -> Limits {
        let port = |url: &str| url.rsplit(':').next().and_then(|p| p.parse().ok());
        Limits {
            // The longest batch (12 URLs of 600 ms, 3 at once) takes 2.4 s.
            reply_within: Duration::from_secs(4),
            connect_ports: [self.server.base_url(), self.refused.clone()]
                .iter()
                .filter_map(|url| port(url))
                .collect(),
            ..Limits::default()
        }
    }

    /// A fresh `/flaky/{percent}/{key}` URL and its key; for 50 %, one whose first success is
    /// attempt `succeeds_at` exactly (the server's failures are a function of key and attempt).
    fn flaky(&mut self, percent: u64, succeeds_at: u64) -> (String, String) {
        let pid = std::process::id();
        loop {
            self.keys += 1;
            let key = format!("k{pid}-{}", self.keys);
            let fits = percent == 100
                || ((1..succeeds_at).all(|n| fails(&key, n, percent))
                    && !fails(&key, succeeds_at, percent));
            if fits {
                return (self.server.url(&format!("/flaky/{percent}/{key}")), key);
            }
        }
    }

    /// Asks the runner for one batch, with the server's counts afresh. A batch that never
    /// returns is explained by the server's counts of `always_failing`, if it was tried too often.
    fn batch(
        &mut self,
        sandbox: &mut Sandbox,
        urls: &[String],
        always_failing: Option<&(String, String)>,
    ) -> Result<Observation<BatchSeen>, Judged> {
        self.server.reset_stats();
        let request = Request {
            urls: urls.to_vec(),
            limit: LIMIT,
            timeout_ms: TIMEOUT_MS,
        };
        let seen = match sandbox.ask::<_, BatchSeen>(&request) {
            Ok(seen) => seen,
            Err(Fault::NoReply(after)) => {
                let tried = always_failing
                    .map(|(url, key)| (url, self.server.flaky_attempts(key).attempts))
                    .filter(|(_, attempts)| *attempts > u64::from(MAX_ATTEMPTS));
                let why = match tried {
                    Some((url, attempts)) => format!(
                        "the answer had not returned after {} s, and meanwhile the server saw \
                         {attempts} attempts of {url}, which always answers 503: it retries \
                         forever. Give up after {MAX_ATTEMPTS} attempts and report the status",
                        after.as_secs()
                    ),
                    None => Fault::NoReply(after).to_string(),
                };
                return Err(Judged::Stuck(why));
            }
            Err(fault) => return Err(Judged::Fault(fault)),
        };
        if let Some(why) = &seen.reply.cannot_start {
            return wrong(format!("the check could not start the client: {why}"));
        }
        if seen.reply.tasks_left > 0 {
            return wrong(format!(
                "the answer returned while {} of its tasks were still running: wait for every \
                 task it spawned (JoinSet::join_next) before returning",
                seen.reply.tasks_left
            ));
        }
        Ok(seen)
    }
}
