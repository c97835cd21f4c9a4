// A plausible wrong answer: one lock around each cook's whole dinner. No deadlock, because no
// two cooks ever cook at once: the kitchen runs one cook at a time.
use std::sync::Mutex;

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

static KITCHEN_DOOR: Mutex<()> = Mutex::new(());

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let _alone = KITCHEN_DOOR.lock().unwrap_or_else(|p| p.into_inner());
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        for &tool in kitchen.tools_for(me) {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
