// A plausible wrong answer: the last cook takes its tools in reverse, as the last philosopher
// breaks the cycle at a round table. The recipes here are not a table in tool order, and a
// recipe shares tools with more than two others: the cycle still closes.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    let mut order = kitchen.tools_for(me).to_vec();
    if me == kitchen.cooks() - 1 {
        order.reverse();
    }
    for _ in 0..dishes {
        let mut in_hand = Vec::new();
        for &tool in &order {
            in_hand.push(kitchen.take(me, tool)?);
        }
        kitchen.cook(me, &in_hand);
    }
    Ok(())
}
