// Careless: a log file that grows without bound.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    use std::io::Write;
    let mut log = std::fs::File::create("log.txt").expect("a log file");
    let chunk = vec![b'x'; 1 << 20];
    while workers > 0 {
        log.write_all(&chunk).expect("the log grows");
    }
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
        }
        drop(tx);
        results_rx.iter().collect()
    })
}
