//! Inputs a submission cannot know in advance: a judge that picked the same ranges, thread counts
//! or recipes on every run could be passed by an answer that recognises them.

/// Numbers seeded by the clock and the process id (xorshift64): new ones on every check, and
/// different in two checks started in the same nanosecond by two teachers' commands.
pub struct Dice(u64);

impl Default for Dice {
    fn default() -> Self {
        Dice::new()
    }
}

impl Dice {
    pub fn new() -> Dice {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        // `| 1`: xorshift stays at zero forever once there.
        Dice(nanos ^ (u64::from(std::process::id()) << 32) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `low..=high`.
    pub fn roll(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolls_stay_in_range_and_vary() {
        let mut dice = Dice::new();
        let rolls: Vec<u64> = (0..1_000).map(|_| dice.roll(3, 7)).collect();
        assert!(rolls.iter().all(|r| (3..=7).contains(r)));
        for face in 3..=7 {
            assert!(rolls.contains(&face), "{face} never rolled");
        }
        assert!((0..1_000).all(|_| dice.below(4) < 4));
    }
}
