// A plausible wrong answer: one channel per consumer, and every item sent to all of them (a
// broadcast), so each item is processed once per consumer.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    std::thread::scope(|s| {
        let mut senders = Vec::new();
        for _ in 0..workers {
            let (tx, rx) = crossbeam_channel::bounded(capacity);
            senders.push(tx);
            let (results_tx, stage) = (results_tx.clone(), &stage);
            s.spawn(move || {
                for item in rx {
                    results_tx.send(stage.process(item)).unwrap();
                }
            });
        }
        drop(results_tx);
        for item in items {
            for tx in &senders {
                tx.send(item).unwrap();
            }
        }
        drop(senders);
        results_rx.iter().collect()
    })
}
