// A plausible wrong answer: the consumers are started with thread::spawn and never joined. It
// takes as many results as it sent items and returns, while the consumers are still ending.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    for _ in 0..workers {
        let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), stage.clone());
        std::thread::spawn(move || {
            for item in rx {
                results_tx.send(stage.process(item)).unwrap();
            }
        });
    }
    let expected = items.len();
    for item in items {
        tx.send(item).unwrap();
    }
    drop(tx);
    results_rx.iter().take(expected).collect()
}
