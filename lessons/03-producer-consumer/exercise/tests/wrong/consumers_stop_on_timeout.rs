// A plausible wrong answer: each consumer takes a one-second receive timeout for the end of the
// stream. While the producer pauses, every consumer gives up; the rest of the items wait in a
// queue nobody empties.
use std::time::Duration;

use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), &stage);
            s.spawn(move || {
                while let Ok(item) = rx.recv_timeout(Duration::from_secs(1)) {
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
