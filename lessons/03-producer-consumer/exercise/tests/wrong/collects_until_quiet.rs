// A plausible wrong answer: it collects results until none has come for half a second, taking a
// quiet spell for the end. A slow item outlasts the timeout, and its result is left behind.
use std::time::Duration;

use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), &stage);
            s.spawn(move || {
                for item in rx {
                    let _ = results_tx.send(stage.process(item));
                }
            });
        }
        for item in items {
            tx.send(item).unwrap();
        }
        drop(tx);
        let mut results = Vec::new();
        while let Ok(result) = results_rx.recv_timeout(Duration::from_millis(500)) {
            results.push(result);
        }
        results
    })
}
