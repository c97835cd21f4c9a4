// A plausible wrong answer: it collects the results with a loop that counts from 1, one short,
// so the last result is never returned.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let expected = items.len();
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
        for item in items {
            tx.send(item).unwrap();
        }
        drop(tx);
        (1..expected).map(|_| results_rx.recv().unwrap()).collect()
    })
}
