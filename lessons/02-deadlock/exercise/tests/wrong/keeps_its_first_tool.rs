// A plausible wrong answer: the lock order, but each cook keeps its lowest tool in hand for the
// whole dinner and only takes and returns the others. No deadlock; the cooks form a queue.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let mut order = kitchen.tools_for(me).to_vec();
    order.sort_unstable();
    let first = kitchen.take(me, order[0])?;
    let mut in_hand = vec![first];
    for _ in 0..dishes {
        for &tool in &order[1..] {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
        in_hand.truncate(1);
    }
    Ok(())
}
