// The chapter's dine_lower_fork_first, adapted as little as possible: the lower of the first two
// tools first, then the rest as listed. With three tools a recipe, the cycle closes on the third.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let mut order = kitchen.tools_for(me).to_vec();
    let (left, right) = (order[0], order[1]);
    order[0] = left.min(right);
    order[1] = left.max(right);
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        for &tool in &order {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
