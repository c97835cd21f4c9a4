// A plausible wrong answer: philosopher 4 takes its right fork first. That breaks the cycle at a
// table of five, but at a table of two, three or four there is no philosopher 4.
use lesson_02_deadlock::philosophers::Table;
use lesson_02_deadlock::watchdog::Cancelled;

pub fn dine(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    let (left, right) = table.forks_of(me);
    let (a, b) = if me == 4 {
        (right, left)
    } else {
        (left, right)
    };
    for _ in 0..meals {
        let first = table.take(me, a)?;
        let second = table.take(me, b)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
