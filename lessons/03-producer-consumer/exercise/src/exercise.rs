// Lesson 03 exercise: edit this file, then check it with
//     cargo run -p lesson-03-exercise
// The hints are in the book, chapter "Producers and consumers", section "Exercises".

use std::thread;

use lesson_03_exercise::stage::{Items, Stage};

// ANCHOR: pipeline
/// Sends every item through a queue holding at most `capacity` items to `workers` consumer
/// threads, which call `stage.process(item)` on each; returns all the results, in any order.
/// Each item must be processed exactly once, and when `pipeline` returns, every consumer thread
/// must have ended.
pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    // TODO 1 (backpressure): this queue has no limit, so the producer runs ahead of slow
    // consumers and the backlog grows. Make it hold at most `capacity` items.
    let _ = capacity;
    let (tx, rx) = crossbeam_channel::unbounded();
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    let mut consumers = Vec::new();
    for _ in 0..workers {
        let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), stage.clone());
        consumers.push(thread::spawn(move || {
            for item in rx {
                results_tx
                    .send(stage.process(item))
                    .expect("the results are collected");
            }
        }));
    }
    for item in items {
        tx.send(item).expect("the consumers are alive");
    }
    // TODO 2 (shutting down): each `for item in rx` loop ends only when its channel is closed,
    // that is when every Sender of it is gone. The same holds for the results channel that the
    // line below reads to its end. Which Senders are still alive at this point?
    // TODO 3: join every consumer before returning (or use `thread::scope`), so that none is
    // left behind.
    results_rx.iter().collect()
}
// ANCHOR_END: pipeline
