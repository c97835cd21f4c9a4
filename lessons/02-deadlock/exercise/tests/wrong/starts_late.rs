// A plausible wrong answer: the recipe's order, but each cook starts a little after the one
// before, so that they rarely meet. The order still lets a cycle form.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    std::thread::sleep(std::time::Duration::from_millis(80 * me as u64));
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        for &tool in kitchen.tools_for(me) {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
