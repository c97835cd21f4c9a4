//! Part 1 counts right: exact counts for awkward splits, on the threads asked for.

use lesson_kit::exercise::Sandbox;

use super::dice::{ends_with_a_remainder_prime, prime_on_the_boundary, primes_in};
use super::{Judge, Judged, ask_primes};

/// The longest range the thread check asks for: the judge counts it itself (debug build) to know
/// the answer, in well under a second.
const MOST_NUMBERS_SAMPLED: u64 = 800_000;

impl Judge {
    /// Random ranges and thread counts that catch the usual splitting mistakes: a remainder
    /// dropped, a boundary counted twice, more threads than numbers, a range not starting at 0.
    pub(super) fn exact_counts(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let d = &mut self.dice;
        let (a, b, c) = (d.roll(0, 5_000), d.roll(0, 5_000), d.roll(0, 5_000));
        let long = d.roll(50_000, 100_000);
        let cases = [
            (a..a + d.roll(7, 13), d.roll(3, 5) as usize),
            (b..b + 2, d.roll(3, 6) as usize),
            (c..c + 1, 2),
            (a..a + d.roll(1_000, 2_000), d.roll(6, 9) as usize),
            (b..b + long, 4),
            (c + 17..c + 17 + long / 2 + d.roll(1, 7), 3),
            (a..a, 2),
            ends_with_a_remainder_prime(d),
            prime_on_the_boundary(d),
        ];
        for (numbers, threads) in cases.clone() {
            let expected = primes_in(numbers.clone());
            let got: u64 = ask_primes(sandbox, numbers.clone(), threads)?.reply;
            if got != expected {
                let hint = if got < expected {
                    "some numbers were not counted"
                } else {
                    "some numbers were counted twice"
                };
                return Err(Judged::Wrong(format!(
                    "primes in {numbers:?} with {threads} threads: got {got}, expected {expected} \
                     ({hint}: check where each part starts and ends)"
                )));
            }
        }
        Ok(format!(
            "exact counts for {} random awkward splits, including more threads than numbers",
            cases.len()
        ))
    }

    /// The requested threads really run, and at the same time, as the judge sees them in /proc.
    pub(super) fn threads_ran(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let threads = self.dice.roll(3, 5) as usize;
        let start = self.dice.roll(0, 1_000);
        let (mut peak, mut seen, mut length) = (0, 0, 200_000);
        // On a busy machine the judge's sampler may not run at all while a short job runs (CI
        // saw a correct answer's threads in no sample, three times): each retry is longer.
        for _attempt in 0..5 {
            let numbers = start..start + length;
            length = (length * 2).min(MOST_NUMBERS_SAMPLED);
            let expected = primes_in(numbers.clone());
            let observed = ask_primes(sandbox, numbers.clone(), threads)?;
            if observed.reply != expected {
                return Err(Judged::Wrong(format!(
                    "primes in {numbers:?} with {threads} threads: got {}, expected {expected}",
                    observed.reply
                )));
            }
            peak = peak.max(observed.peak_threads);
            seen = seen.max(observed.threads_seen);
            if seen >= threads && peak >= 2 {
                return Ok(format!(
                    "asked for {threads} threads, the check saw {seen}, up to {peak} at once"
                ));
            }
        }
        // The judge samples /proc about every millisecond, less often on a busy machine: a
        // thread that ends quickly can be missed, so seeing fewer than asked is not held against
        // the answer; none, or never two at once, is.
        match (seen, peak) {
            (0, _) => Err(Judged::Wrong(format!(
                "asked for {threads} threads, the answer started none: it counted on the calling thread"
            ))),
            (_, 0 | 1) => Err(Judged::Wrong(format!(
                "the answer started {seen} threads but never more than 1 ran at once: are they \
                 all started before any is joined?"
            ))),
            _ => Ok(format!(
                "asked for {threads} threads, the check saw {seen} (a short one can be missed), \
                 up to {peak} at once"
            )),
        }
    }
}
