// A plausible wrong answer: each consumer keeps a Sender of its own queue, to put back items it
// could not process. So the queue never closes, and the consumers wait in recv() forever. It
// takes as many results as it sent items, so pipeline() itself returns.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    for _ in 0..workers {
        let (rx, retry, results_tx, stage) =
            (rx.clone(), tx.clone(), results_tx.clone(), stage.clone());
        std::thread::spawn(move || {
            for item in rx {
                let result = stage.process(item);
                if results_tx.send(result).is_err() {
                    retry.send(item).unwrap(); // put it back for later
                }
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
