//! The judge: it starts the local server, runs each batch through a fresh contained runner and
//! decides from what the *server* counted, not from what the answer says: the most requests in
//! flight at once (with quick bodies, then with bodies that drip slowly), how many attempts of
//! each failing URL arrived and how far apart, and one report per URL in the order given. The
//! batch's time is measured here, against the ideal for the limit. Every failure says what the
//! answer did.

use std::time::Duration;

use lesson_kit::capacity::Capacity;
use lesson_kit::exercise::{Checklist, Fault, Limits, Observation, Sandbox};
use lesson_kit::value::format_duration;
use local_server::LocalServer;
use local_server::routes::{DRIP_CHUNK, fails};

use crate::{BatchSeen, FIRST_BACKOFF, MAX_ATTEMPTS, Outcome, Request};

/// The limit every batch asks for: fewer than the URLs, so it must hold them back.
const LIMIT: usize = 3;
/// A speed or a peak that fell short is measured again, this many times in all, before it fails.
const TRIES: usize = 3;
/// On a busy machine, a batch too slow is measured up to this many times in all.
const BUSY_TRIES: usize = 6;
/// The client's timeout per request, set by the runner: nothing here should come near it.
const TIMEOUT_MS: u64 = 3_000;
/// Marks a failure that only a busy machine explains (see [`Judge::check`]).
const BUSY: &str = "busy: ";

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
    println!(
        "The answer ran contained: {}; it could reach the check's server and nothing else.",
        judge.files
    );
    print!("{}", judge.notes);
    // The server's thread is joined before the process exits.
    drop(judge);
    checklist.print_and_exit()
}

/// Runs the checks in turn, each with a fresh runner, against one server.
pub struct Judge {
    server: LocalServer,
    /// A URL where nothing listens: "connection refused".
    refused: String,
    /// What protects the files, as the first runner reported it.
    pub files: String,
    /// Lines after the checklist: what the answer printed, quoted.
    pub notes: String,
    /// Set once the answer never returned: later checks are not waited for again.
    hung: Option<String>,
    /// The peak with quick bodies went over the limit: the dripping bodies' peak says nothing new.
    limit_broken: bool,
    /// Makes every `/flaky` key new, so no check sees another's attempts.
    keys: u64,
}

type Check = fn(&mut Judge, &mut Sandbox) -> Result<String, Judged>;

/// How a check ended when it did not hold.
enum Judged {
    Wrong(String),
    /// Wrong, and the answer never returned: later checks would only wait for it again.
    Stuck(String),
    Fault(Fault),
}

fn wrong<T>(why: String) -> Result<T, Judged> {
    Err(Judged::Wrong(why))
}

impl Judge {
    pub fn new(server: LocalServer) -> Judge {
        Judge {
            server,
            refused: local_server::refused_url().unwrap_or_else(|_| "http://127.0.0.1:9".into()),
            files: "not started".to_string(),
            notes: String::new(),
            hung: None,
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
            match self.contained(name, check) {
                Err(busy) if busy.starts_with(BUSY) => {
                    checklist.not_judged(name, &busy[BUSY.len()..])
                }
                result => checklist.record(name, result),
            }
        }
        checklist
    }

    /// Runs one check in a fresh runner and turns its faults into the check's failure.
    fn contained(&mut self, name: &str, check: Check) -> Result<String, String> {
        if let Some(earlier) = &self.hung {
            return Err(format!("not run: {earlier}"));
        }
        let mut sandbox = Sandbox::start(self.limits()).map_err(|f| f.to_string())?;
        self.files = sandbox.files.clone();
        let result = check(self, &mut sandbox);
        let printed = sandbox.printed();
        drop(sandbox);
        if !printed.trim().is_empty() {
            self.notes +=
                &format!("During \"{name}\" the answer printed (not the check's output):\n");
            for line in printed.lines().take(5) {
                self.notes += &format!("  | {line}\n");
            }
        }
        result.map_err(|judged| match judged {
            Judged::Wrong(why) => why,
            Judged::Stuck(why) => {
                self.hung = Some(format!("in \"{name}\", the answer never returned"));
                why
            }
            Judged::Fault(fault) => {
                if let Fault::NoReply(_) = fault {
                    self.hung = Some(format!("in \"{name}\", {fault}"));
                }
                fault.to_string()
            }
        })
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

    fn one_outcome_each(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let always = self.flaky(100, 0);
        let cases = vec![
            (self.server.url("/delay/30"), Expected::Body(13)),
            (self.server.url("/status/404"), Expected::Status(404)),
            (self.refused.clone(), Expected::Error),
            (self.server.url("/bytes/1000"), Expected::Body(1000)),
            (always.0.clone(), Expected::Status(503)),
            (
                self.server.url("/drip/2/10"),
                Expected::Body(2 * DRIP_CHUNK),
            ),
            (self.server.url("/delay/10"), Expected::Body(13)),
        ];
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, Some(&always))?;
        every_outcome(&cases, &seen.reply)?;
        Ok(format!(
            "{} URLs, {} reports in their order: bodies read whole, a 404, a refused \
             connection and a 503 that never recovers each reported as what it was",
            urls.len(),
            seen.reply.reports.len()
        ))
    }

    fn retries_back_off(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let twice = self.flaky(50, 2);
        let thrice = self.flaky(50, 3);
        let always = self.flaky(100, 0);
        let cases = vec![
            (twice.0.clone(), Expected::Body(body_of_flaky(&twice.1, 2))),
            (self.server.url("/delay/20"), Expected::Body(13)),
            (
                thrice.0.clone(),
                Expected::Body(body_of_flaky(&thrice.1, 3)),
            ),
            (always.0.clone(), Expected::Status(503)),
        ];
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, Some(&always))?;
        // Attempts first: a URL not retried has no back-off to judge.
        for ((url, key), wanted) in [(&twice, 2), (&thrice, 3), (&always, MAX_ATTEMPTS)] {
            let attempts = self.server.flaky_attempts(key).attempts;
            let wanted = u64::from(wanted);
            if attempts == 1 {
                return wrong(format!(
                    "{url} answered 503 and was not tried again: a 5xx is transient \
                     (Outcome::is_transient), retry it, up to {MAX_ATTEMPTS} attempts"
                ));
            }
            if attempts < wanted {
                return wrong(format!(
                    "{url} was tried {attempts} times; it fails {} and a retry would have \
                     rescued it: retry up to {MAX_ATTEMPTS} attempts in all",
                    if wanted == u64::from(MAX_ATTEMPTS) {
                        "every time".to_string()
                    } else {
                        format!("{} times", wanted - 1)
                    }
                ));
            }
            if attempts > wanted {
                return wrong(if key == &always.1 {
                    format!(
                        "{url}, which always answers 503, was tried {attempts} times: give up \
                         after {MAX_ATTEMPTS} attempts in all and report Outcome::Status(503)"
                    )
                } else {
                    format!(
                        "{url} succeeded on attempt {wanted} but was tried {attempts} times: \
                         stop once an attempt succeeds"
                    )
                });
            }
        }
        every_outcome(&cases, &seen.reply)?;
        let arrived = self.server.flaky_attempts(&always.1).arrived;
        let mut waits = Vec::new();
        for (retry, pair) in arrived.windows(2).enumerate() {
            let gap = pair[1] - pair[0];
            let needed = FIRST_BACKOFF * 2u32.pow(retry as u32);
            if gap + Duration::from_millis(1) < needed {
                let how = if retry == 0 {
                    format!(
                        "a retry sent at once hits a struggling server again before it can \
                         recover: wait {} before the first retry",
                        format_duration(FIRST_BACKOFF)
                    )
                } else {
                    "the wait must double with each retry (exponential back-off)".to_string()
                };
                return wrong(format!(
                    "retry {} of {} reached the server {} after the attempt before it, but \
                     should have waited at least {}: {how}",
                    retry + 1,
                    always.0,
                    format_duration(gap),
                    format_duration(needed)
                ));
            }
            waits.push(format_duration(gap));
        }
        Ok(format!(
            "URLs that fail once and twice were rescued; the one that always fails was tried \
             {MAX_ATTEMPTS} times, the server seeing the retries {} apart",
            waits.join(", ")
        ))
    }

    /// The most requests in flight, as the server counted them, for 12 quick URLs at a limit of 3.
    fn limit_held(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let n = 12;
        let mut peak = 0;
        // A busy machine may start the requests so slowly that the first ones end before the
        // next begin: a peak under the limit (but above one) is measured again, waits longer.
        for delay in [100, 300, 600].into_iter().take(TRIES) {
            let url = self.server.url(&format!("/delay/{delay}"));
            let cases: Vec<(String, Expected)> = (0..n)
                .map(|_| {
                    (
                        url.clone(),
                        Expected::Body(format!("waited {delay} ms\n").len()),
                    )
                })
                .collect();
            let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
            let seen = self.batch(sandbox, &urls, None)?;
            every_outcome(&cases, &seen.reply)?;
            peak = self.server.stats().peak_in_flight;
            if peak > LIMIT as u64 {
                self.limit_broken = true;
                return wrong(if peak == n as u64 {
                    format!(
                        "the server had all {n} requests in flight at once: there is no limit. \
                         Take a permit (tokio::sync::Semaphore with {LIMIT}) before each request"
                    )
                } else {
                    format!(
                        "the server had {peak} requests in flight at once, more than the limit \
                         of {LIMIT}"
                    )
                });
            }
            if peak == LIMIT as u64 {
                return Ok(format!(
                    "{n} URLs of {delay} ms: the server counted at most {peak} in flight at once"
                ));
            }
            // One at a time is not the machine's doing: no busy machine serialises 12 waits.
            if peak <= 1 {
                break;
            }
        }
        wrong(format!(
            "the server never had more than {peak} of the {n} requests in flight at once: with \
             a limit of {LIMIT}, keep {LIMIT} going (each URL in a task of its own), or the \
             batch takes {LIMIT} times as long"
        ))
    }

    /// Bodies that take 120 ms to arrive after the response head: a permit given back once the
    /// head is in lets the next request start while the server is still sending.
    fn limit_held_while_bodies_drip(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let (n, chunks, every) = (9, 4, 40);
        let url = self.server.url(&format!("/drip/{chunks}/{every}"));
        let cases: Vec<(String, Expected)> = (0..n)
            .map(|_| (url.clone(), Expected::Body(chunks * DRIP_CHUNK)))
            .collect();
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, None)?;
        every_outcome(&cases, &seen.reply)?;
        let peak = self.server.stats().peak_in_flight;
        if peak > LIMIT as u64 {
            return wrong(if self.limit_broken {
                format!(
                    "the server had {peak} requests in flight at once, over the limit of \
                     {LIMIT} here too"
                )
            } else {
                format!(
                    "with bodies that arrive slowly, the server had {peak} requests in flight \
                     at once (limit {LIMIT}): the permit was given back once the response head \
                     arrived, while its body was still coming. Hold it until the body is read"
                )
            });
        }
        Ok(format!(
            "{n} bodies that drip for {} ms each: the server counted at most {peak} in flight, \
             each until its body was sent",
            (chunks as u64 - 1) * every
        ))
    }

    /// Slow and quick URLs mixed: a new request must start as soon as any one ends. The judge
    /// times the batch against the ideal for the limit.
    fn close_to_ideal(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let delays: Vec<u64> = (0..12)
            .map(|i| if i % LIMIT == 0 { 240 } else { 60 })
            .collect();
        let cases: Vec<(String, Expected)> = delays
            .iter()
            .map(|ms| {
                let url = self.server.url(&format!("/delay/{ms}"));
                (url, Expected::Body(format!("waited {ms} ms\n").len()))
            })
            .collect();
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let ideal = sliding_window(&delays, LIMIT);
        let in_groups = in_groups(&delays, LIMIT);
        let allowed = ideal.mul_f64(1.25) + Duration::from_millis(100);
        let mut took = Vec::new();
        let mut busy = false;
        while took.len() < BUSY_TRIES {
            let seen = self.batch(sandbox, &urls, None)?;
            every_outcome(&cases, &seen.reply)?;
            if seen.wall <= allowed {
                return Ok(format!(
                    "{} URLs of 240 and 60 ms: {} against an ideal of {} for {LIMIT} at once",
                    urls.len(),
                    format_duration(seen.wall),
                    format_duration(ideal)
                ));
            }
            took.push(seen.wall);
            if took.len() >= TRIES {
                busy = Capacity::now(2).busy();
                if !busy {
                    break;
                }
            }
        }
        let fastest = took.iter().min().copied().unwrap_or_default();
        // A batch in groups takes the groups' time on any machine; a busy machine would have to
        // slow a right answer to just that time in every try.
        let like_groups = fastest >= in_groups.mul_f64(0.9);
        if busy && !like_groups {
            return Err(Judged::Wrong(format!(
                "{BUSY}the batch took {} at best of {} tries, the ideal is {}",
                format_duration(fastest),
                took.len(),
                format_duration(ideal)
            )));
        }
        let how = if like_groups {
            format!(
                "as long as fetching them in groups of {LIMIT}, each group waiting for its \
                 slowest ({}): start the next URL as soon as any one ends",
                format_duration(in_groups)
            )
        } else {
            "are the requests held back longer than the limit needs, or does the answer wait \
             in a way that stops every task (std::thread::sleep)?"
                .to_string()
        };
        wrong(format!(
            "the batch took {} at best of {} tries, against an ideal of {} (allowed up to \
             {}): {how}",
            format_duration(fastest),
            took.len(),
            format_duration(ideal),
            format_duration(allowed)
        ))
    }
}

/// What the judge expects of one URL.
#[derive(Debug, Clone, Copy)]
enum Expected {
    Body(usize),
    Status(u16),
    Error,
}

/// The body `/flaky` sends for a success at attempt `n` of `key`.
fn body_of_flaky(key: &str, n: u64) -> usize {
    format!("attempt {n} of {key} succeeded\n").len()
}

/// One report per URL, in order, each with the outcome the URL must have.
fn every_outcome(cases: &[(String, Expected)], seen: &BatchSeen) -> Result<(), Judged> {
    let reports = &seen.reports;
    let missing: Vec<&String> = cases
        .iter()
        .map(|(url, _)| url)
        .filter(|url| !reports.iter().any(|r| &r.url == *url))
        .collect();
    if let Some(url) = missing.first() {
        let refused = cases
            .iter()
            .find_map(|(url, e)| matches!(e, Expected::Error).then_some(url));
        let what = if refused == Some(*url) {
            " (nothing listens there: its connection is refused)"
        } else {
            ""
        };
        return wrong(format!(
            "{} URLs were given but {} reported, and {url}{what} has no report: every URL \
             must end with exactly one outcome; an error is Outcome::Error, never dropped",
            cases.len(),
            reports.len()
        ));
    }
    if reports.len() != cases.len() {
        return wrong(format!(
            "{} URLs were given but {} reports returned: exactly one per URL",
            cases.len(),
            reports.len()
        ));
    }
    for (place, ((url, expected), report)) in cases.iter().zip(reports).enumerate() {
        if &report.url != url {
            return wrong(format!(
                "report {} is for {}, but URL {} is {url}: return the reports in the order of \
                 the URLs given, not in the order they finished",
                place + 1,
                report.url,
                place + 1
            ));
        }
        let fits = match (expected, &report.outcome) {
            (Expected::Body(n), Outcome::Body(m)) => n == m,
            (Expected::Status(n), Outcome::Status(m)) => n == m,
            (Expected::Error, Outcome::Error(_)) => true,
            _ => false,
        };
        if !fits {
            let should = match expected {
                Expected::Body(n) => format!("its whole body, {n} bytes, read: Body({n})"),
                Expected::Status(n) => format!("Status({n})"),
                Expected::Error => "Error(..): nothing listens there".to_string(),
            };
            return wrong(format!(
                "{url} was reported as {:?}, but should be {should}",
                report.outcome
            ));
        }
    }
    Ok(())
}

/// The time `delays` take at most `limit` at once, each next one starting as soon as any
/// running one ends: the ideal for the limit.
fn sliding_window(delays: &[u64], limit: usize) -> Duration {
    let mut free_at = vec![0u64; limit];
    for &delay in delays {
        let slot = (0..limit).min_by_key(|&s| free_at[s]).unwrap_or(0);
        free_at[slot] += delay;
    }
    Duration::from_millis(free_at.into_iter().max().unwrap_or(0))
}

/// The time `delays` take in groups of `limit`, each group waiting for its slowest.
fn in_groups(delays: &[u64], limit: usize) -> Duration {
    let total = delays
        .chunks(limit)
        .map(|group| group.iter().max().copied().unwrap_or(0))
        .sum();
    Duration::from_millis(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ideal_starts_the_next_url_when_any_one_ends() {
        let delays = [240, 60, 60, 240, 60, 60, 240, 60, 60, 240, 60, 60];
        // 60-ms URLs pass by the slow ones: far under the 4 x 240 ms of groups.
        assert_eq!(sliding_window(&delays, 3), Duration::from_millis(540));
        assert_eq!(in_groups(&delays, 3), Duration::from_millis(960));
        assert_eq!(sliding_window(&[100; 12], 3), Duration::from_millis(400));
    }
}
