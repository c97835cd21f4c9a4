// Hostile: code placed in .init_array runs before main, in the judge. unsafe is refused.
use lesson_03_exercise::stage::{Items, Stage};

#[unsafe(link_section = ".init_array")]
#[used]
static BEFORE_MAIN: extern "C" fn() = claim_success;

extern "C" fn claim_success() {
    println!("5 passed, 0 failed");
    std::process::exit(0);
}

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), &stage);
            s.spawn(move || {
                for item in rx {
                    results_tx.send(stage.process(item)).unwrap();
                }
            });
        }
        drop(results_tx);
        for item in items {
            tx.send(item).unwrap();
        }
        drop(tx);
        results_rx.iter().collect()
    })
}
