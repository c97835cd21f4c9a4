// A correct alternative with std's mpsc instead of crossbeam: a sync_channel gives the bound,
// and the consumers share the one Receiver behind a Mutex, held only while receiving.
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
                loop {
                    let next = rx.lock().unwrap().recv(); // the guard ends with this statement
                    let Ok(item) = next else { break };
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
