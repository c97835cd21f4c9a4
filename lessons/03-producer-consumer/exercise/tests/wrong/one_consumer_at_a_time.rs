// A plausible wrong answer with std's mpsc: the Receiver is shared behind a Mutex, but each
// consumer keeps the lock for its whole loop, so the first one takes every item.
use std::sync::{Arc, Mutex, mpsc};

use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = mpsc::sync_channel(capacity);
    let rx = Arc::new(Mutex::new(rx));
    let (results_tx, results_rx) = mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (rx, results_tx, stage) = (Arc::clone(&rx), results_tx.clone(), &stage);
            s.spawn(move || {
                let rx = rx.lock().unwrap();
                for item in rx.iter() {
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
