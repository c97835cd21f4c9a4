// A plausible wrong answer: each cook takes its tools in an order of its own, picked at random.
// It works most of the time; now and then the orders line up into a cycle, and it deadlocks.
use std::hash::{BuildHasher, RandomState};

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let mut order = kitchen.tools_for(me).to_vec();
    let coin = RandomState::new().hash_one(me);
    let each = order.len() as u64;
    order.rotate_left((coin % each) as usize);
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        for &tool in &order {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
