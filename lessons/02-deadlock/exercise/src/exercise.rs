// Lesson 02 exercise: edit this file, then check it with
//     cargo run -p lesson-02-exercise
// The hints are in the book, chapter "Deadlock", section "Exercises".

use lesson_02_deadlock::philosophers::Table;
use lesson_02_deadlock::watchdog::Cancelled;

// ANCHOR: dine
/// Philosopher `me` eats `meals` meals at `table`, each with the two forks beside it in hand.
pub fn dine(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    for _ in 0..meals {
        // TODO: if every philosopher takes its left fork and then reaches for its right, all of
        // them can end up holding one fork and waiting for a neighbour's, for ever. Pick the
        // forks up in an order that lets no cycle of waits form, at a table of any size, and
        // make sure every philosopher still eats every meal.
        let first = table.take(me, left)?;
        let second = table.take(me, right)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
// ANCHOR_END: dine
