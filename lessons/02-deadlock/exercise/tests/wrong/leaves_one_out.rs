// A plausible wrong answer: no cycle can form if the last philosopher never sits down. No
// deadlock, but that philosopher starves.
use lesson_02_deadlock::philosophers::Table;
use lesson_02_deadlock::watchdog::Cancelled;

pub fn dine(table: &Table, me: usize, meals: usize) -> Result<(), Cancelled> {
    if me == table.seats() - 1 {
        return Ok(());
    }
    let (left, right) = table.forks_of(me);
    for _ in 0..meals {
        let first = table.take(me, left)?;
        let second = table.take(me, right)?;
        table.eat(me, &first, &second);
    }
    Ok(())
}
