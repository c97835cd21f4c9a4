//! What each URL must end as, the check that one report per URL came back in order, and the
//! ideal time of a batch for a limit.

use std::time::Duration;

use super::{Judged, wrong};
use crate::{BatchSeen, Outcome};

/// What the judge expects of one URL.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expected {
    Body(usize),
    Status(u16),
    Error,
}

/// The body `/flaky` sends for a success at attempt `n` of `key`.
pub(super) fn body_of_flaky(key: &str, n: u64) -> usize {
    format!("attempt {n} of {key} succeeded\n").len()
}

/// One report per URL, in order, each with the outcome the URL must have.
pub(super) fn every_outcome(cases: &[(String, Expected)], seen: &BatchSeen) -> Result<(), Judged> {
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
pub(super) fn sliding_window(delays: &[u64], limit: usize) -> Duration {
    let mut free_at = vec![0u64; limit];
    for &delay in delays {
        let slot = (0..limit).min_by_key(|&s| free_at[s]).unwrap_or(0);
        free_at[slot] += delay;
    }
    Duration::from_millis(free_at.into_iter().max().unwrap_or(0))
}

/// The time `delays` take in groups of `limit`, each group waiting for its slowest.
pub(super) fn in_groups(delays: &[u64], limit: usize) -> Duration {
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
