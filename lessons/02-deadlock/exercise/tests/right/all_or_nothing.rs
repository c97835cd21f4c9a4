// A correct alternative: take the tools in the recipe's order, but give up a tool that is not
// free within a moment, put back all in hand, wait a little and start again.
use std::time::Duration;

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        let mut backoff = 1 + me as u64 % 3;
        while in_hand.len() < kitchen.tools_for(me).len() {
            let tool = kitchen.tools_for(me)[in_hand.len()];
            match kitchen.try_take(me, tool, Duration::from_millis(2))? {
                Some(taken) => in_hand.push(taken),
                None => {
                    in_hand.clear();
                    std::thread::sleep(Duration::from_micros(100 * backoff));
                    backoff = (backoff * 2).min(40);
                }
            }
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
