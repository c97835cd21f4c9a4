//! The judge: it starts the local server, times lesson 04's thumbnail work and learns every
//! photo's checksum itself, runs each batch through a fresh contained runner, and decides from
//! what it measured and what the runner counted, never from what the answer says: one result per
//! URL with the right checksum, the most photos alive at once, thumbnails made on the runtime's
//! own thread, the heartbeat's worst lag, and the batch's time against the ideal of a pipeline.
//! Every failure says what the answer did.

mod batches;
mod expected;
mod timed;

use std::time::Duration;

use lesson_kit::exercise::{Checklist, Contained, Fault, Judged, Limits, Observation, Sandbox};
use local_server::LocalServer;

use crate::{BatchSeen, Request};
use expected::Costs;

/// The bound every batch asks for: photos in memory at once.
const MAX_PHOTOS: usize = 4;
/// A speed or a lag that fell short is measured again, this many times in all, before it fails.
const TRIES: usize = 3;
/// On a busy machine, a batch too slow is measured up to this many times in all.
const BUSY_TRIES: usize = 4;
/// The client's timeout per request, set by the runner: nothing here should come near it.
const TIMEOUT_MS: u64 = 3_000;
/// The longest the judge waits for a batch: this, plus [`SLOWDOWN`] times the batch's CPU work.
const REPLY_BASE: Duration = Duration::from_secs(3);
/// A batch on a machine busy with other programs may take many times its ideal (ten times, at a
/// load of 15 on 2 cores); only an answer that waits for ever takes longer than this.
const SLOWDOWN: u32 = 20;

/// `cargo run -p lesson-07-exercise`, or a teacher's check of one file: prints the checklist and
/// exits with the verdict's code.
pub fn main(name: &str) -> ! {
    println!("Checking {name} against lesson 07's exercise");
    let judge = LocalServer::start()
        .map_err(|e| format!("could not start its local server: {e}"))
        .and_then(Judge::new);
    let mut judge = match judge {
        Ok(judge) => judge,
        Err(why) => {
            println!("✗ the check {why}");
            std::process::exit(1)
        }
    };
    let checklist = judge.check();
    println!(
        "The answer ran contained: {}. One thumbnail took {} here (wall time), one download {}.",
        judge.runner.files,
        lesson_kit::value::format_duration(judge.costs.thumbnail),
        lesson_kit::value::format_duration(judge.costs.download),
    );
    print!("{}", judge.runner.notes);
    // The server's thread is joined before the process exits.
    drop(judge);
    checklist.print_and_exit()
}

/// Runs the checks in turn, each with a fresh runner, against one server.
pub struct Judge {
    server: LocalServer,
    /// What one thumbnail and one download cost on this machine, and every photo's checksum.
    costs: Costs,
    /// Each check's runner, what protects the files, and what the answer printed.
    pub runner: Contained,
    /// The last photo id used: every URL of every batch is new.
    next_id: u64,
}

type Check = fn(&mut Judge, &mut Sandbox) -> Result<String, Judged>;

fn wrong<T>(why: String) -> Result<T, Judged> {
    Err(Judged::Wrong(why))
}

impl Judge {
    pub fn new(server: LocalServer) -> Result<Judge, String> {
        let costs = Costs::measure(&server)?;
        Ok(Judge {
            server,
            costs,
            runner: Contained::new(),
            next_id: 0,
        })
    }

    pub fn check(&mut self) -> Checklist {
        let mut checklist = Checklist::new();
        // Each check, and the most photos in one of its batches.
        let checks: [(&str, Check, usize); 5] = [
            (
                "every photo gets one thumbnail, its checksum right",
                Judge::every_thumbnail,
                8,
            ),
            (
                "a failed download is reported, the others complete",
                Judge::failed_download_reported,
                8,
            ),
            (
                "at most 4 photos in memory at once",
                Judge::photos_bounded,
                24,
            ),
            (
                "the CPU work stays off the runtime's thread",
                Judge::runtime_free,
                12,
            ),
            (
                "the batch ends close to a pipeline's ideal",
                Judge::close_to_ideal,
                self.timed_photos(),
            ),
        ];
        for (name, check, photos) in checks {
            let result = self.contained(name, check, photos);
            checklist.record_unless_busy(name, result);
        }
        checklist
    }

    /// Runs one check in a fresh runner and turns its faults into the check's failure.
    fn contained(&mut self, name: &str, check: Check, photos: usize) -> Result<String, String> {
        let limits = self.limits(photos);
        // The check needs the judge (its server, its costs) while the runner runs it.
        let mut runner = std::mem::take(&mut self.runner);
        let result = runner.check(name, limits, |sandbox| check(self, sandbox));
        self.runner = runner;
        result
    }

    /// The server's port is the only one the answer may connect to; a batch of `photos` must
    /// return within [`REPLY_BASE`] plus [`SLOWDOWN`] times their thumbnails' CPU time.
    fn limits(&self, photos: usize) -> Limits {
        let port = self.server.address().port();
        Limits {
            reply_within: REPLY_BASE + self.costs.thumbnail * (SLOWDOWN * photos as u32),
            connect_ports: vec![port],
            ..Limits::default()
        }
    }

    /// Asks the runner for one batch. `failing`: the URLs in it whose download fails, if any,
    /// named when the batch never returns.
    fn batch(
        &mut self,
        sandbox: &mut Sandbox,
        urls: &[String],
        failing: &[String],
    ) -> Result<Observation<BatchSeen>, Judged> {
        let request = Request {
            urls: urls.to_vec(),
            max_photos: MAX_PHOTOS,
            timeout_ms: TIMEOUT_MS,
        };
        let before = self.server.stats();
        let seen = match sandbox.ask::<_, BatchSeen>(&request) {
            Ok(seen) => seen,
            Err(Fault::NoReply(after)) => {
                // The runner is ended by now: the server's counts are final.
                let now = self.server.stats();
                let requests = (
                    now.received.saturating_sub(before.received),
                    now.answered.saturating_sub(before.answered),
                );
                return Err(Judged::Stuck(never_returned(
                    after, urls, failing, requests,
                )));
            }
            Err(fault) => return Err(Judged::Fault(fault)),
        };
        if let Some(why) = &seen.reply.cannot_start {
            return wrong(format!("the check could not start the client: {why}"));
        }
        Ok(seen)
    }
}

/// A batch that never returned, in what the judge saw: how long it waited, and how far the
/// downloads got by the server's counts of requests received and answered meanwhile (the
/// thumbnails made are the runner's to count, and it never replied). The cause is the student's
/// to find: the hint is a question.
fn never_returned(
    after: Duration,
    urls: &[String],
    failing: &[String],
    (received, answered): (u64, u64),
) -> String {
    let n = urls.len();
    let batch = match failing.len() {
        0 => format!("{n} photos that all download"),
        k => format!(
            "{n} photos of which {k} cannot be downloaded ({})",
            failing.join(", ")
        ),
    };
    let seen = match received {
        0 => "the server received no request for any of them".to_string(),
        r => format!("the server received {r} requests for the {n} URLs and answered {answered}"),
    };
    let question = match received {
        0 => "What does it wait for before its first download?",
        r if r < n as u64 => "What keeps it from asking for the other photos?",
        _ if failing.is_empty() => "What does it still wait for once the server has answered?",
        _ => {
            "What does it still wait for once the server has answered: a result from a photo \
             whose download failed?"
        }
    };
    format!(
        "the answer had not returned after {}, for {batch}; {seen}. {question}",
        lesson_kit::value::format_duration(after)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("http://127.0.0.1:1/photo/{i}/5"))
            .collect()
    }

    #[test]
    fn a_batch_that_never_returned_says_what_the_server_saw_and_asks() {
        let after = Duration::from_millis(7_500);
        let asleep = never_returned(after, &urls(8), &[], (0, 0));
        assert!(
            asleep.starts_with("the answer had not returned after 7.50 s"),
            "{asleep}"
        );
        assert!(asleep.contains("received no request"), "{asleep}");
        let failing = urls(8)[2..3].to_vec();
        let waiting = never_returned(after, &urls(8), &failing, (8, 8));
        assert!(
            waiting.contains("of which 1 cannot be downloaded"),
            "{waiting}"
        );
        assert!(
            waiting.contains("8 requests for the 8 URLs and answered 8"),
            "{waiting}"
        );
        // What the judge saw, then a question: no claim about the cause.
        for said in [asleep, waiting] {
            assert!(said.ends_with('?') && !said.contains("channel"), "{said}");
        }
    }
}
