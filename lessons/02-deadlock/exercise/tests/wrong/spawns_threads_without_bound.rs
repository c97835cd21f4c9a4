// Careless: a helper thread for every dish, never joined.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    for _ in 0..dishes * 100 {
        std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(1000)));
    }
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
