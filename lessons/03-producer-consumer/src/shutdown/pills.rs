//! Python's way, poison pills: when they work, when a Sender is forgotten (they do not care),
//! when the consumers panic, and asyncio's `join()` waiting for pills never marked done.

use std::thread;

use super::harness::{Counters, join_with_watchdog, spawn_consumers, watch_all};
use super::{CAPACITY, ITEMS, Outcome};
use crate::items::quiet_expected_panics;
use crate::python_queue::PythonQueue;

/// Python's way: after the items, one `None` per consumer; each consumer stops at its pill.
pub fn poison_pills(consumers: usize) -> Outcome {
    pills(consumers, false)
}

/// Pills with a Sender forgotten: the channel never closes, and nobody needs it to.
pub fn poison_pills_sender_forgotten(consumers: usize) -> Outcome {
    pills(consumers, true)
}

fn pills(consumers: usize, forget_a_sender: bool) -> Outcome {
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::unbounded();
    let spare = forget_a_sender.then(|| tx.clone());
    thread::scope(|s| {
        // ANCHOR: pills
        let handles = spawn_consumers(s, consumers, &counters, move |me| {
            while let Ok(Some(item)) = rx.recv() {
                me.consume(item);
            } // a `None` (the pill) ends the loop
        });
        let producer = s.spawn(move || {
            for item in 0..ITEMS {
                tx.send(Some(item)).expect("the consumers are alive");
            }
            for _ in 0..consumers {
                tx.send(None).expect("the consumers are alive"); // one pill per consumer
            }
        });
        // ANCHOR_END: pills
        let hang = watch_all(&producer, &handles, &counters, || {
            "a consumer never got its pill".into()
        });
        drop(spare);
        let scenario = if forget_a_sender {
            "poison pills, a Sender forgotten"
        } else {
            "poison pills"
        };
        Outcome::joined(scenario, &counters, handles).hung(hang, "by itself")
    })
}

/// Pills in a bounded Python-style queue, and the consumers die: the producer waits in `put()`
/// for room that no consumer will ever make. Python's queue does not know its consumers are gone.
pub fn pills_when_consumers_panic(consumers: usize) -> Outcome {
    quiet_expected_panics();
    let counters = Counters::default();
    let queue = PythonQueue::new(CAPACITY);
    thread::scope(|s| {
        // ANCHOR: pills_panic
        let handles = spawn_consumers(s, consumers, &counters, |me| {
            while let Ok(Some(item)) = queue.get() {
                me.parse(item); // panics on a malformed item
            }
        });
        let producer = s.spawn(|| {
            let mut sent = 0;
            for item in (0..ITEMS).map(Some).chain((0..consumers).map(|_| None)) {
                if queue.put(item).is_err() {
                    return (sent, Some("put() failed: the queue was shut down"));
                }
                sent += 1;
                counters.sent_one();
            }
            (sent, None)
        });
        // ANCHOR_END: pills_panic
        let hang = watch_all(&producer, &handles, &counters, || {
            format!(
                "the producer waited in put(): the queue was full ({} items) and no consumer \
                 was left to take one",
                queue.len()
            )
        });
        queue.shut_down(); // what ends it: Python 3.13's Queue.shutdown(immediate=True)
        let said = producer.join().expect("the producer does not panic");
        Outcome::joined("poison pills, consumers panic", &counters, handles)
            .hung(hang, "shutting the queue down")
            .producer(said)
    })
}

/// asyncio's pitfall in Rust: `join()` waits until every item put is marked done, pills
/// included; the consumers never mark their pill, so `join()` would wait forever.
pub fn join_waits_for_pills(consumers: usize) -> Outcome {
    let counters = Counters::default();
    let queue = PythonQueue::new(0);
    thread::scope(|s| {
        // ANCHOR: join_pitfall
        let handles = spawn_consumers(s, consumers, &counters, |me| {
            while let Ok(Some(item)) = queue.get() {
                me.consume(item);
                queue.task_done();
            } // the pill ends the loop, and is never marked done
        });
        for item in 0..ITEMS {
            queue.put(Some(item)).expect("never shut down");
        }
        for _ in 0..consumers {
            queue.put(None).expect("never shut down");
        }
        let joined = join_with_watchdog(&queue); // Python: `await queue.join()`
        // ANCHOR_END: join_pitfall
        let hang = joined.err().map(|unfinished| {
            format!(
                "join() still waited for {unfinished} task_done() calls with all {} items \
                 done: the {consumers} pills were taken but never marked done",
                counters.processed()
            )
        });
        Outcome::joined("asyncio's join(), pills not done", &counters, handles)
            .hung(hang, "joining the threads, not the queue")
    })
}
