// Lesson 03 exercise: a model solution.

use std::thread;

use lesson_03_exercise::stage::{Items, Stage};

// ANCHOR: pipeline
/// A bounded channel gives backpressure: `send` waits while `capacity` items are queued. Dropping
/// every Sender closes each channel, which ends the consumers' loops and then the results; the
/// scope joins every consumer before `pipeline` returns.
pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        for _ in 0..workers {
            let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), &stage);
            s.spawn(move || {
                for item in rx {
                    results_tx
                        .send(stage.process(item))
                        .expect("the results are collected");
                }
            });
        }
        // Only the consumers' clones may keep the results channel open.
        drop(results_tx);
        for item in items {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx); // closes the queue: each consumer's loop ends once it is empty
        results_rx.iter().collect() // ends when the last consumer drops its results Sender
    })
}
// ANCHOR_END: pipeline
