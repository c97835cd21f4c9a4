//! The spawned threads of experiment 2: exact, and gone with every clone of the `Arc` they held.

use lesson_01_threads_and_locks::counter::{INCREMENTS, THREADS};
use lesson_01_threads_and_locks::spawned::count_with_spawned_threads;

#[test]
fn spawned_threads_count_exactly_and_leave_one_owner() {
    for trial in 0..20 {
        let outcome = count_with_spawned_threads(THREADS, INCREMENTS);
        assert_eq!(outcome.total, 10_000, "trial {trial}: {outcome:?}");
        // A thread that kept (or leaked) its clone would still own the counter here.
        assert_eq!(outcome.owners_after_join, 1, "trial {trial}: {outcome:?}");
        assert!(outcome.still_running <= THREADS, "{outcome:?}");
    }
}
