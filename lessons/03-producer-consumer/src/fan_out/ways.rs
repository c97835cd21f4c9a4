//! The four ways of experiment 1: one producer, its consumers, and who takes which item. Every
//! consumer and the producer start together on a `Barrier`, so that they really compete.

use std::sync::{Barrier, Mutex, mpsc};
use std::thread;

use lesson_kit::timeline::Recorder;

use super::COST;
use crate::work_log::WorkLog;

// ANCHOR: crossbeam
/// Every consumer holds a clone of the receiver; the channel gives each item to exactly one.
pub fn fan_out_crossbeam(items: u64, consumers: usize, timeline: &Recorder) -> Vec<Vec<u64>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let start = &Barrier::new(consumers + 1);
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|c| {
                let rx = rx.clone();
                s.spawn(move || {
                    let (mut taken, mut log) = (Vec::new(), WorkLog::new(timeline, c));
                    start.wait(); // every consumer and the producer start together
                    // The loop ends when every Sender is gone and the queue is empty.
                    for item in rx {
                        log.work(item, COST);
                        taken.push(item);
                    }
                    taken
                })
            })
            .collect();
        start.wait();
        for item in 0..items {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx); // closes the channel: this is what ends the consumers' loops
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
// ANCHOR_END: crossbeam

/// std's channel with the one consumer it is made for.
pub fn fan_out_std_one_consumer(items: u64, timeline: &Recorder) -> Vec<Vec<u64>> {
    let (tx, rx) = mpsc::channel();
    let start = &Barrier::new(2);
    thread::scope(|s| {
        let consumer = s.spawn(move || {
            let (mut taken, mut log) = (Vec::new(), WorkLog::new(timeline, 0));
            start.wait();
            for item in rx {
                log.work(item, COST);
                taken.push(item);
            }
            taken
        });
        start.wait();
        for item in 0..items {
            tx.send(item).expect("the consumer is alive");
        }
        drop(tx);
        vec![consumer.join().unwrap()]
    })
}

/// std's receiver cannot be cloned, so the consumers share it behind a Mutex. The guard is a
/// temporary of the `let` statement: it is released before the work starts.
pub fn fan_out_std_shared_receiver(
    items: u64,
    consumers: usize,
    timeline: &Recorder,
) -> Vec<Vec<u64>> {
    let (tx, rx) = mpsc::channel();
    let (rx, start) = (Mutex::new(rx), &Barrier::new(consumers + 1));
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|c| {
                let rx = &rx;
                // ANCHOR: shared_receiver
                s.spawn(move || {
                    let (mut taken, mut log) = (Vec::new(), WorkLog::new(timeline, c));
                    start.wait(); // every consumer and the producer start together
                    loop {
                        let next = rx.lock().unwrap().recv(); // lock, take one, unlock
                        let Ok(item) = next else { break };
                        log.work(item, COST);
                        taken.push(item);
                    }
                    taken
                })
                // ANCHOR_END: shared_receiver
            })
            .collect();
        start.wait();
        for item in 0..items {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx);
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The same consumers written with `while let`: the guard in the condition lives until the end of
/// the loop body, so each consumer holds the lock while it works, and the others wait for it.
pub fn fan_out_guard_held_during_work(
    items: u64,
    consumers: usize,
    timeline: &Recorder,
) -> Vec<Vec<u64>> {
    let (tx, rx) = mpsc::channel();
    let (rx, start) = (Mutex::new(rx), &Barrier::new(consumers + 1));
    thread::scope(|s| {
        let handles: Vec<_> = (0..consumers)
            .map(|c| {
                let rx = &rx;
                // ANCHOR: guard_held
                s.spawn(move || {
                    let (mut taken, mut log) = (Vec::new(), WorkLog::new(timeline, c));
                    start.wait(); // every consumer and the producer start together
                    while let Ok(item) = rx.lock().unwrap().recv() {
                        log.work(item, COST); // still holding the lock
                        taken.push(item);
                    }
                    taken
                })
                // ANCHOR_END: guard_held
            })
            .collect();
        start.wait();
        for item in 0..items {
            tx.send(item).expect("the consumers are alive");
        }
        drop(tx);
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
