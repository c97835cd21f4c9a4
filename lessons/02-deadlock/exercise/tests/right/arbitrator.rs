// A correct alternative: an arbitrator. A cook picks up its tools only while it holds the
// arbitrator's lock, and only if every one of them is free at that moment; otherwise it puts
// back what it took, lets go of the arbitrator and tries again shortly. Nobody ever waits for
// a tool while holding one, so no cycle can form, and cooks whose tools differ cook at once.
use std::sync::Mutex;
use std::time::Duration;

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

static ARBITRATOR: Mutex<()> = Mutex::new(());

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    for _ in 0..dishes {
        let in_hand = loop {
            let turn = ARBITRATOR.lock().unwrap_or_else(|p| p.into_inner());
            let mut in_hand = Vec::new();
            for &tool in kitchen.tools_for(me) {
                match kitchen.try_take(me, tool, Duration::ZERO)? {
                    Some(taken) => in_hand.push(taken),
                    None => break,
                }
            }
            drop(turn);
            if in_hand.len() == kitchen.tools_for(me).len() {
                break in_hand;
            }
            drop(in_hand);
            std::thread::sleep(Duration::from_micros(200));
        };
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
