//! The limit on requests in flight, held while bodies drip, and a batch close to the ideal for
//! the limit: what the judge concludes from the server's counts and its own timing.

use std::time::Duration;

use lesson_kit::capacity::Capacity;
use lesson_kit::exercise::Sandbox;
use lesson_kit::value::format_duration;
use local_server::routes::DRIP_CHUNK;

use super::expected::{Expected, every_outcome, in_groups, sliding_window};
use super::{BUSY_TRIES, Judge, Judged, LIMIT, TRIES, wrong};

impl Judge {
    /// The most requests in flight, as the server counted them, for 12 quick URLs at a limit of 3.
    pub(super) fn limit_held(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
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
    pub(super) fn limit_held_while_bodies_drip(
        &mut self,
        sandbox: &mut Sandbox,
    ) -> Result<String, Judged> {
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
    pub(super) fn close_to_ideal(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
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
        let one_at_a_time = Duration::from_millis(delays.iter().sum());
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
                // One URL at a time is the answer's doing, not the machine's: judged at once.
                let fastest = took.iter().min().copied().unwrap_or_default();
                if fastest >= one_at_a_time.mul_f64(0.9) {
                    break;
                }
                busy = Capacity::now(2).busy();
                if !busy {
                    break;
                }
            }
        }
        let fastest = took.iter().min().copied().unwrap_or_default();
        // A batch in groups takes the groups' time on any machine; a busy machine would have to
        // slow a right answer to just that time in every try.
        let like_groups = fastest >= in_groups.mul_f64(0.9) && fastest <= in_groups.mul_f64(1.15);
        if busy && !like_groups {
            return Err(Judged::Busy(format!(
                "the batch took {} at best of {} tries, the ideal is {}",
                format_duration(fastest),
                took.len(),
                format_duration(ideal)
            )));
        }
        let how = if fastest >= one_at_a_time.mul_f64(0.9) {
            format!(
                "as long as one URL at a time ({}): run up to {LIMIT} at once",
                format_duration(one_at_a_time)
            )
        } else if like_groups {
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
