//! No thread outlives an experiment, even one that deadlocked: the watchdog calls the waits off
//! and every thread is joined. Counted with the operating system's own thread count, in a test
//! binary of its own so that no other test's threads come and go meanwhile.

use lesson_02_deadlock::philosophers::{EATING, dine_left_first, dinner};
use lesson_02_deadlock::two_locks::opposite_order;
use lesson_kit::measure::threads_around;

#[test]
fn deadlocked_experiments_leave_no_thread_behind() {
    let ((), threads) = threads_around(|| {
        for _ in 0..3 {
            assert!(opposite_order(true).stuck.is_some());
            assert!(dinner(5, 2, EATING, dine_left_first).stuck.is_some());
        }
    });
    let Some(threads) = threads else {
        eprintln!("this system cannot count threads; skipped");
        return;
    };
    assert_eq!(threads.after, threads.before, "threads were left behind");
}
