// Lesson 02 exercise: edit this file, then check it with
//     cargo run -p lesson-02-exercise
// The hints are in the book, chapter "Deadlock", section "Exercises".

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

// ANCHOR: cook
/// Cook `me` cooks `dishes` dishes in `kitchen`, each with every tool its recipe lists in hand.
pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    for _ in 0..dishes {
        // TODO: each cook takes its tools in the order its recipe lists them, and the recipes
        // are written so that these waits can close a cycle right round the kitchen. Take the
        // tools in an order that lets no cycle form, for any recipes, any number of tools per
        // recipe and any number of cooks. Keep cooks who need different tools cooking at the
        // same time, and put every tool back after each dish.
        let mut in_hand = Vec::new();
        for &tool in kitchen.tools_for(me) {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
// ANCHOR_END: cook
