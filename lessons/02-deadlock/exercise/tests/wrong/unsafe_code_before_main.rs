// Hostile: code placed in .init_array runs before main, in the judge. unsafe is refused.
#[unsafe(link_section = ".init_array")]
#[used]
static BEFORE_MAIN: extern "C" fn() = claim_success;

extern "C" fn claim_success() {
    println!("✓ every check passed");
    std::process::exit(0);
}

use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let mut order = kitchen.tools_for(me).to_vec();
    order.sort_unstable();
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        for &tool in &order {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
