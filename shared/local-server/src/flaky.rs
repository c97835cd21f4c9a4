//! Failures that repeat: the machinery of `/flaky/{percent}/{key}`.
//!
//! A retry must be able to succeed, and a run must see the same failures as the last. So the
//! server counts the attempts it has seen for each key, and whether attempt `n` of `key` fails
//! is a hash of the two, nothing else: no clock, no random seed, no order between keys.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The longest `/flaky` key.
pub const MAX_KEY_LEN: usize = 100;
/// How many different keys the server remembers attempts for, so memory stays bounded.
pub const MAX_KEYS: usize = 100_000;
/// How many arrival times the server keeps per key (the first ones): enough to judge a client's
/// back-off between retries, bounded however often a client retries.
pub const MAX_TIMES_KEPT: usize = 32;

/// What the server saw of one key: how many attempts, and when the first of them arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub attempts: u64,
    /// When each attempt arrived, oldest first; only the first [`MAX_TIMES_KEPT`].
    pub arrived: Vec<Instant>,
}

/// Attempts seen, by key.
#[derive(Debug, Default)]
pub(crate) struct Attempts(Mutex<HashMap<String, Seen>>);

impl Attempts {
    /// Counts one more attempt of `key` and returns its number, from 1; or says why not.
    pub(crate) fn next(&self, key: &str) -> Result<u64, String> {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_KEYS && !seen.contains_key(key) {
            return Err(format!(
                "over {MAX_KEYS} keys seen; reset_stats() forgets them\n"
            ));
        }
        let key_seen = seen.entry(key.to_owned()).or_default();
        key_seen.attempts += 1;
        if key_seen.arrived.len() < MAX_TIMES_KEPT {
            key_seen.arrived.push(Instant::now());
        }
        Ok(key_seen.attempts)
    }

    /// What was seen of `key` since the server started or forgot.
    pub(crate) fn seen(&self, key: &str) -> Seen {
        let seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(key).cloned().unwrap_or_default()
    }

    pub(crate) fn forget(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Whether attempt `attempt` of `key` fails when `percent`% of attempts should.
pub fn fails(key: &str, attempt: u64, percent: u64) -> bool {
    // FNV-1a, then a finalising mix so that the low digits are as random as the high ones.
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for byte in key.bytes().chain(attempt.to_le_bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash % 100 < percent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_the_share_asked_for_fails_and_the_same_attempt_always_agrees() {
        let failed = (0..10_000)
            .filter(|k| fails(&format!("url-{k}"), 1, 30))
            .count();
        assert!(
            (2_700..=3_300).contains(&failed),
            "{failed} of 10000 failed at 30%"
        );
        assert_eq!(fails("a", 1, 50), fails("a", 1, 50));
        assert!((0..100).all(|n| fails("a", n, 100) && !fails("a", n, 0)));
    }

    #[test]
    fn attempts_are_counted_by_key_and_forgotten_on_request() {
        let attempts = Attempts::default();
        assert_eq!(attempts.next("a"), Ok(1));
        assert_eq!(attempts.next("a"), Ok(2));
        assert_eq!(attempts.next("b"), Ok(1));
        assert_eq!(attempts.seen("a").arrived.len(), 2);
        assert!(attempts.seen("a").arrived[0] <= attempts.seen("a").arrived[1]);
        attempts.forget();
        assert_eq!(attempts.next("a"), Ok(1));
        assert_eq!(attempts.seen("never"), Seen::default());
    }

    #[test]
    fn arrival_times_are_bounded_however_often_a_key_is_tried() {
        let attempts = Attempts::default();
        for _ in 0..MAX_TIMES_KEPT + 10 {
            attempts.next("a").unwrap();
        }
        let seen = attempts.seen("a");
        assert_eq!(seen.attempts, MAX_TIMES_KEPT as u64 + 10);
        assert_eq!(seen.arrived.len(), MAX_TIMES_KEPT);
    }
}
