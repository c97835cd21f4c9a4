//! One outcome per URL in the order given, and retries that back off: what the judge concludes
//! from the reports and from the attempts the server counted.

use std::time::Duration;

use lesson_kit::exercise::Sandbox;
use lesson_kit::value::format_duration;
use local_server::routes::DRIP_CHUNK;

use super::expected::{Expected, body_of_flaky, every_outcome};
use super::{Judge, Judged, wrong};
use crate::{FIRST_BACKOFF, MAX_ATTEMPTS};

impl Judge {
    pub(super) fn one_outcome_each(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
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
        // Where Landlock restricts TCP, a server on a port the runner was not given is out of
        // reach: its URL must end as an error, and that server must see no request.
        let outside = (self.outside.as_ref())
            .filter(|_| sandbox.files.contains("fully enforced"))
            .map(|outside| outside.url("/delay/0"));
        let mut cases = cases;
        if let Some(url) = &outside {
            cases.push((url.clone(), Expected::Error));
        }
        let urls: Vec<String> = cases.iter().map(|(url, _)| url.clone()).collect();
        let seen = self.batch(sandbox, &urls, Some(&always))?;
        if let (Some(url), Some(server)) = (&outside, &self.outside) {
            let reached = server.stats().received > 0;
            self.network_contained = Some(!reached);
            if reached {
                return wrong(format!(
                    "the answer reached {url}, a port it was not allowed: the check's \
                     containment did not hold on this machine"
                ));
            }
        }
        every_outcome(&cases, &seen.reply)?;
        let out_of_reach = if outside.is_some() {
            ", a server out of reach"
        } else {
            ""
        };
        Ok(format!(
            "{} URLs, {} reports in their order: bodies read whole, a 404, a refused \
             connection{out_of_reach} and a 503 that never recovers each reported as what it was",
            urls.len(),
            seen.reply.reports.len()
        ))
    }

    pub(super) fn retries_back_off(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
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
}
