// A correct alternative to the model: the same global order, kept in a BTreeSet, tools taken
// afresh for each dish.
use std::collections::BTreeSet;

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let order: BTreeSet<usize> = kitchen.tools_for(me).iter().copied().collect();
    for _ in 0..dishes {
        let in_hand = order
            .iter()
            .map(|&tool| kitchen.take(me, tool))
            .collect::<Result<Vec<_>, _>>()?;
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
