// Lesson 02 exercise: a model solution.

use lesson_02_deadlock::philosophers::Table;
use lesson_02_deadlock::watchdog::Cancelled;

// ANCHOR: dine
/// Every philosopher picks up the lower-numbered of its two forks first. A cycle of waits would
/// need someone to hold a higher fork while waiting for a lower one, and nobody ever does.
pub fn dine(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    let (low, high) = (left.min(right), left.max(right));
    for _ in 0..meals {
        let first = table.take(me, low)?;
        let second = table.take(me, high)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
// ANCHOR_END: dine
