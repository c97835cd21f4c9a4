// Careless: a log file that grows without bound.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    if me == 0 {
        use std::io::Write;
        let mut log = std::fs::File::create("log.txt").expect("a log file");
        let chunk = vec![b'x'; 1 << 20];
        loop {
            log.write_all(&chunk).expect("the log grows");
        }
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
