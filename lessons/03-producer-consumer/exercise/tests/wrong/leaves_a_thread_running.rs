// A plausible wrong answer: correct, except for a progress thread that is never told to stop.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let sent = Arc::new(AtomicUsize::new(0));
    let watched = Arc::clone(&sent);
    std::thread::spawn(move || {
        let mut last = 0;
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let now = watched.load(Ordering::Relaxed);
            if now != last {
                last = now;
            }
        }
    });
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
            sent.fetch_add(1, Ordering::Relaxed);
        }
        drop(tx);
        results_rx.iter().collect()
    })
}
