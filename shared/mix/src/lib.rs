//! SplitMix64, in a crate of its own with no dependencies.
//!
//! Lessons reach it as `lesson_kit::workload::splitmix64`. It lives here, not in the kit, so that
//! lesson 04's codec, which the debug profile builds optimised, can use it without depending on
//! the kit: a change to the kit would otherwise rebuild the codec, slowly, every time.

/// SplitMix64 (Steele, Lea and Flood, 2014; the constants of Vigna's `splitmix64.c`): a fixed,
/// well-mixed scramble of `z`. Distinct inputs give distinct outputs (each step is invertible),
/// so a sum of scrambled items changes when one is lost, doubled or swapped for another; fed
/// 0, 1, 2, ... it is a fast pseudo-random sequence, the same on every run.
///
/// `#[inline]`, so that a crate built optimised in debug (lesson 04's codec) compiles it optimised.
#[inline]
pub fn splitmix64(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_is_the_reference_sequence() {
        // The first outputs of Vigna's splitmix64.c seeded with 0: its `next()` adds the constant
        // to the state, then scrambles; here the state is the input.
        let golden = 0x9E37_79B9_7F4A_7C15_u64;
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(golden), 0x6E78_9E6A_A1B9_65F4);
        let mixed: std::collections::HashSet<u64> = (0..10_000).map(splitmix64).collect();
        assert_eq!(mixed.len(), 10_000, "distinct inputs, distinct outputs");
    }
}
