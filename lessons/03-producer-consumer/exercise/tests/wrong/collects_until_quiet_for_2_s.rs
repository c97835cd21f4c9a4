// A plausible wrong answer: it collects results until none has come for 2 s, longer than any
// pause or slow item of the check. It keeps every result, but it cannot know that the stream has
// ended: it returns 2 s late every time, and a producer that pauses longer would lose results.
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
        while let Ok(result) = results_rx.recv_timeout(Duration::from_secs(2)) {
            results.push(result);
        }
        results
    })
}
