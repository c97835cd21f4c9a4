//! What flows through every queue in this lesson: the numbers `0..n`, a little work per item, and
//! the check that every item was consumed exactly once.
//!
//! A queue that loses or duplicates an item once in a while is worse than a slow one, and a
//! printout of "done" proves nothing. So every experiment records which consumer took which item
//! and counts: each number must appear exactly once, and the lesson prints that check.

use std::any::Any;
use std::hint::spin_loop;
use std::sync::Once;
use std::time::{Duration, Instant};

/// Stands for the real work a consumer does with an item: it keeps the CPU busy for `cost` and
/// returns a value computed from the item, so that results can be compared between variants.
pub fn work(item: u64, cost: Duration) -> u64 {
    let started = Instant::now();
    while started.elapsed() < cost {
        spin_loop();
    }
    mix(item)
}

/// A fixed scramble of the item (the kit's SplitMix64): distinct items give distinct results,
/// so a sum of results changes if any item is lost, duplicated or swapped for another.
pub use lesson_kit::workload::splitmix64 as mix;

/// The sum of `mix` over `0..items`: what every correct run's results must add up to.
pub fn expected_checksum(items: u64) -> u64 {
    (0..items).fold(0, |sum, item| sum.wrapping_add(mix(item)))
}

/// The panic of a consumer that met an item it cannot process (a parser meeting bad input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed(pub u64);

/// Processing that can fail: panics with [`Malformed`] on the item that `is_malformed` picks.
pub fn process(item: u64, is_malformed: impl Fn(u64) -> bool) -> u64 {
    if is_malformed(item) {
        std::panic::panic_any(Malformed(item));
    }
    mix(item)
}

/// The lesson reports the panics it provokes itself; the default hook would also print each one
/// to stderr. Any other panic is still printed as usual.
pub fn quiet_expected_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<Malformed>().is_none() {
                default_hook(info);
            }
        }));
    });
}

/// What a panic said, in words: `malformed item 700`, or the message of an ordinary panic.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(Malformed(item)) = payload.downcast_ref::<Malformed>() {
        format!("malformed item {item}")
    } else {
        lesson_kit::panics::message(payload).to_string()
    }
}

/// `1 consumer`, `2 consumers`: a count with its noun, for the printed sentences.
pub fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Which consumer took which items, checked against the items sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub items: u64,
    /// How many items each consumer took.
    pub per_consumer: Vec<usize>,
    /// Items nobody consumed.
    pub missing: Vec<u64>,
    /// Items consumed more than once (each listed once).
    pub duplicated: Vec<u64>,
}

impl Tally {
    /// Counts how often each of `0..items` appears in the consumers' lists.
    pub fn of(items: u64, consumed: &[Vec<u64>]) -> Tally {
        let mut seen = vec![0u32; items as usize];
        let mut strangers = Vec::new();
        for item in consumed.iter().flatten() {
            match seen.get_mut(*item as usize) {
                Some(count) => *count += 1,
                None => strangers.push(*item),
            }
        }
        let with_count = |test: fn(u32) -> bool| -> Vec<u64> {
            (0..items).filter(|&i| test(seen[i as usize])).collect()
        };
        let mut duplicated = with_count(|c| c > 1);
        duplicated.extend(strangers);
        Tally {
            items,
            per_consumer: consumed.iter().map(Vec::len).collect(),
            missing: with_count(|c| c == 0),
            duplicated,
        }
    }

    pub fn exactly_once(&self) -> bool {
        self.missing.is_empty() && self.duplicated.is_empty()
    }

    /// `503 / 497`: the items each consumer took.
    pub fn distribution(&self) -> String {
        let counts: Vec<String> = self.per_consumer.iter().map(usize::to_string).collect();
        counts.join(" / ")
    }

    /// What went wrong, naming the first few items: `2 missing (998, 999)`.
    pub fn problems(&self) -> String {
        let list = |items: &[u64]| {
            let shown: Vec<String> = items.iter().take(5).map(u64::to_string).collect();
            let more = if items.len() > 5 { ", ..." } else { "" };
            format!("{}{more}", shown.join(", "))
        };
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!(
                "{} missing ({})",
                self.missing.len(),
                list(&self.missing)
            ));
        }
        if !self.duplicated.is_empty() {
            parts.push(format!(
                "{} duplicated ({})",
                self.duplicated.len(),
                list(&self.duplicated)
            ));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_names_missing_and_duplicated_items() {
        let tally = Tally::of(5, &[vec![0, 1, 1], vec![3, 4]]);
        assert_eq!(tally.missing, vec![2]);
        assert_eq!(tally.duplicated, vec![1]);
        assert!(!tally.exactly_once());
        assert_eq!(tally.distribution(), "3 / 2");
        assert_eq!(tally.problems(), "1 missing (2), 1 duplicated (1)");
        assert!(Tally::of(3, &[vec![2, 0], vec![1]]).exactly_once());
    }

    #[test]
    fn mixing_keeps_items_apart() {
        let mut results: Vec<u64> = (0..10_000).map(mix).collect();
        results.sort_unstable();
        results.dedup();
        assert_eq!(results.len(), 10_000);
    }

    #[test]
    fn malformed_items_panic_with_their_number() {
        quiet_expected_panics();
        let payload = std::panic::catch_unwind(|| process(7, |i| i == 7)).unwrap_err();
        assert_eq!(panic_message(payload.as_ref()), "malformed item 7");
        assert_eq!(process(6, |i| i == 7), mix(6));
    }
}
