// A correct alternative: the producer ends the stream with one `None` per consumer (a poison
// pill, as in the Python articles), and each consumer returns its results through its
// JoinHandle; spawned threads with clones of the stage, all joined.
use lesson_03_exercise::stage::{Items, Stage};

pub fn pipeline(items: Items, stage: Stage, workers: usize, capacity: usize) -> Vec<u64> {
    let (tx, rx) = crossbeam_channel::bounded::<Option<u64>>(capacity);
    let consumers: Vec<_> = (0..workers)
        .map(|_| {
            let (rx, stage) = (rx.clone(), stage.clone());
            std::thread::spawn(move || {
                let mut results = Vec::new();
                while let Ok(Some(item)) = rx.recv() {
                    results.push(stage.process(item));
                }
                results
            })
        })
        .collect();
    for item in items {
        tx.send(Some(item)).unwrap();
    }
    for _ in 0..workers {
        tx.send(None).unwrap();
    }
    consumers
        .into_iter()
        .flat_map(|consumer| consumer.join().unwrap())
        .collect()
}
