// A correct alternative: the producer runs on a thread of its own and the calling thread
// collects the results as they come; the scope joins everyone.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded(capacity);
    let (results_tx, results_rx) = crossbeam_channel::unbounded();
    std::thread::scope(|s| {
        s.spawn(move || {
            for item in items {
                tx.send(item).unwrap();
            }
        });
        for _ in 0..workers {
            let (rx, results_tx, stage) = (rx.clone(), results_tx.clone(), &stage);
            s.spawn(move || {
                for item in rx {
                    results_tx.send(stage.process(item)).unwrap();
                }
            });
        }
        drop((rx, results_tx));
        let mut results = Vec::new();
        for result in results_rx {
            results.push(result);
        }
        results
    })
}
