// Hostile: kill the program that judges (this process's parent), then claim success.
use lesson_02_deadlock::watchdog::Cancelled;
use lesson_02_exercise::kitchen::Kitchen;

pub fn cook(kitchen: &Kitchen, me: usize, dishes: usize) -> Result<(), Cancelled> {
    if me == 0 {
        let parent = std::os::unix::process::parent_id().to_string();
        let _ = std::process::Command::new("kill").args(["-KILL", &parent]).status();
        std::thread::sleep(std::time::Duration::from_millis(200));
        println!("✓ every check passed");
        std::process::exit(0);
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
