//! Part 2: many trials that expose lost updates, the threads seen running, and what `tally_rolls`
//! reaches in its code (no lock; a read-modify-write wherever it writes).

use lesson_kit::exercise::{Observation, Sandbox, source};

use super::{Judge, Judged};
use crate::Request;

impl Judge {
    /// Many trials with random thread counts and rolls; the judge also sees the threads.
    pub(super) fn no_lost_updates(&mut self, sandbox: &mut Sandbox) -> Result<String, Judged> {
        let trials = 10;
        // The judge samples /proc about every millisecond, and on a busy machine less often: a
        // short-lived thread can be missed, so threads are required, not all of them seen.
        let mut most_seen = 0;
        for trial in 1..=trials {
            let threads = self.dice.roll(4, 8) as usize;
            let rolls = self.dice.roll(200_000, 400_000) as usize;
            let seen: Observation<Vec<u64>> = sandbox
                .ask(&Request::TallyRolls { threads, rolls })
                .map_err(Judged::Fault)?;
            let expected = exact_tally(threads, rolls);
            let tally = seen.reply;
            if tally != expected {
                return Err(Judged::Wrong(format!(
                    "trial {trial}: {threads} threads x {rolls} rolls: {}",
                    what_went_wrong(&tally, &expected)
                )));
            }
            most_seen = most_seen.max(seen.threads_seen);
        }
        if most_seen < 2 {
            return Err(Judged::Wrong(format!(
                "the tallies were right, but the answer started {}: part 2 asks `threads` threads \
                 to count their rolls into one shared tally",
                if most_seen == 0 {
                    "no thread"
                } else {
                    "only 1 thread"
                }
            )));
        }
        Ok(format!(
            "exact tallies in all {trials} trials of 4 to 8 threads x 200000 to 400000 rolls"
        ))
    }
}

/// How often each face comes up, face 1 first: what the tally must return.
fn exact_tally(threads: usize, rolls: usize) -> Vec<u64> {
    let mut tally = vec![0u64; 6];
    for thread in 0..threads {
        for roll in 0..rolls {
            tally[crate::die(thread, roll) - 1] += 1;
        }
    }
    tally
}

/// A wrong tally in words: rolls lost or added in all, or faces mixed up.
fn what_went_wrong(tally: &[u64], expected: &[u64]) -> String {
    if tally.len() != expected.len() {
        return format!("the answer returned {} counts, not 6", tally.len());
    }
    let (total, made): (u64, u64) = (tally.iter().sum(), expected.iter().sum());
    let off: Vec<usize> = (0..6).filter(|&f| tally[f] != expected[f]).collect();
    let faces = match off.as_slice() {
        [] => String::new(),
        [f, rest @ ..] => {
            let first = format!("face {}: {}, not {}", f + 1, tally[*f], expected[*f]);
            match rest.len() {
                0 => first,
                n => format!("{first}; {n} more faces off"),
            }
        }
    };
    if total < made {
        format!(
            "the tally adds up to {total}, not {made}: {} rolls were lost ({faces}); updates were \
             lost (is the read-then-write one step?)",
            made - total
        )
    } else if total > made {
        format!(
            "the tally adds up to {total}, {} more rolls than were made ({faces})",
            total - made
        )
    } else {
        format!("the right number of rolls, counted under the wrong faces ({faces})")
    }
}

/// Part 2 without a lock: what `tally_rolls` reaches in the code, not in comments.
pub(super) fn no_lock(source: &str) -> Result<String, String> {
    match source::reaches(source, "tally_rolls", &["Mutex", "RwLock"]) {
        Some((line, name)) => Err(format!(
            "part 2 uses a lock (`{name}`, line {line}); the exercise asks for an atomic operation"
        )),
        None => Ok("part 2 reaches no Mutex or RwLock".to_string()),
    }
}

/// Part 2 writes each count in one indivisible step: what `tally_rolls` reaches in the code has a
/// read-modify-write (`fetch_add`, `fetch_update`, `compare_exchange`) if it writes with a plain
/// `store` or `swap`. Threads that each add a local total with `load` and then `store` lose an
/// update only when two of them finish within nanoseconds: no number of trials shows it reliably.
pub(super) fn one_step(source: &str) -> Result<(), String> {
    const READ_MODIFY_WRITE: [&str; 4] = [
        "fetch_add",
        "fetch_update",
        "compare_exchange",
        "compare_exchange_weak",
    ];
    let Some((line, write)) = source::reaches(source, "tally_rolls", &["store", "swap"]) else {
        return Ok(());
    };
    if source::reaches(source, "tally_rolls", &READ_MODIFY_WRITE).is_some() {
        return Ok(());
    }
    Err(format!(
        "part 2 writes the tally with a plain `{write}` (line {line}) and never with a \
         read-modify-write such as `fetch_add`: a thread that reads a count and then writes it \
         overwrites any update made in between. It happens rarely, so the trials may not show it, \
         but it is a lost update"
    ))
}

#[cfg(test)]
mod tests {
    use super::one_step;

    fn answer(path: &str) -> String {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    #[test]
    fn a_separate_load_and_store_is_named_even_when_trials_miss_it() {
        for wrong in [
            "src/exercise.rs",
            "tests/wrong/adds_its_total_with_load_and_store.rs",
        ] {
            let why = one_step(&answer(wrong)).expect_err(wrong);
            assert!(why.contains("plain `store`"), "{wrong}: {why}");
        }
    }

    #[test]
    fn a_read_modify_write_or_no_atomic_write_passes() {
        for right in [
            "src/solution.rs",
            "tests/right/compare_and_swap.rs",
            "tests/right/even_split_with_join_handles.rs",
            "tests/wrong/mutex_counter.rs",
        ] {
            assert_eq!(one_step(&answer(right)), Ok(()), "{right}");
        }
    }
}
