//! Failures that repeat: the machinery of `/flaky/{percent}/{key}`.
//!
//! A retry must be able to succeed, and a run must see the same failures as the last. So the
//! server counts the attempts it has seen for each key, and whether attempt `n` of `key` fails
//! is a hash of the two, nothing else: no clock, no random seed, no order between keys.

use std::collections::HashMap;
use std::sync::Mutex;

/// The longest `/flaky` key.
pub const MAX_KEY_LEN: usize = 100;
/// How many different keys the server remembers attempts for, so memory stays bounded.
pub const MAX_KEYS: usize = 100_000;

/// Attempts seen, by key.
#[derive(Debug, Default)]
pub(crate) struct Attempts(Mutex<HashMap<String, u64>>);

impl Attempts {
    /// Counts one more attempt of `key` and returns its number, from 1; or says why not.
    pub(crate) fn next(&self, key: &str) -> Result<u64, String> {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_KEYS && !seen.contains_key(key) {
            return Err(format!(
                "over {MAX_KEYS} keys seen; reset_stats() forgets them\n"
            ));
        }
        let attempts = seen.entry(key.to_owned()).or_insert(0);
        *attempts += 1;
        Ok(*attempts)
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
        attempts.forget();
        assert_eq!(attempts.next("a"), Ok(1));
    }
}
