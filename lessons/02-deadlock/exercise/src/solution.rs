// Lesson 02 exercise: a model solution.

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

// ANCHOR: cook
/// One global order for every tool in the kitchen: lowest number first. A cycle of waits would
/// need some cook to hold a higher tool while waiting for a lower one, and no cook ever does.
pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let mut order = kitchen.tools_for(me).to_vec();
    order.sort_unstable();
    for _ in 0..dishes {
        let mut in_hand = Vec::with_capacity(order.len());
        for &tool in &order {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
// ANCHOR_END: cook
