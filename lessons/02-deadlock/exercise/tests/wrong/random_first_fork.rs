// A plausible wrong answer: each philosopher picks which fork to take first at random. It works
// most of the time; when all happen to pick the same side (1 dinner in 16 with 5), it deadlocks.
use std::hash::{BuildHasher, RandomState};

use lesson_02_deadlock::philosophers::Table;
use lesson_02_deadlock::watchdog::Cancelled;

pub fn dine(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    let coin = RandomState::new().hash_one(me).is_multiple_of(2);
    let (a, b) = if coin { (left, right) } else { (right, left) };
    for _ in 0..meals {
        let first = table.take(me, a)?;
        let second = table.take(me, b)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
