//! The queues that experiment 2 times: each moves the items `0..n` from one producer to its
//! consumers, with no work per item, so that the queue itself is what costs.
//!
//! The producer and the consumers contend for the queue, so every run starts them together on a
//! `Barrier` and times only the items, not the threads' start-up.

use std::sync::{Barrier, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::python_queue::{PythonQueue, Sleeps};

/// What the consumers received, added up: every run must receive every item once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub count: u64,
    pub sum: u64,
}

impl Received {
    /// What `0..items` adds up to.
    pub fn expected(items: u64) -> Received {
        Received {
            count: items,
            sum: items * items.saturating_sub(1) / 2,
        }
    }

    fn add(self, other: Received) -> Received {
        Received {
            count: self.count + other.count,
            sum: self.sum.wrapping_add(other.sum),
        }
    }

    fn item(self, item: u64) -> Received {
        self.add(Received {
            count: 1,
            sum: item,
        })
    }
}

const NOTHING: Received = Received { count: 0, sum: 0 };

/// One run through a queue: what arrived, how long the items took, and for the hand-made queue
/// how often its threads slept and were notified.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub received: Received,
    pub took: Duration,
    pub sleeps: Option<Sleeps>,
}

// ANCHOR: started_together
/// Starts the consumers and the producer together on a `Barrier`, then times from that moment
/// until the last consumer has finished: the threads' start-up is not part of the queue's cost.
fn started_together<C>(consumers: Vec<C>, produce: impl FnOnce()) -> (Received, Duration)
where
    C: FnOnce() -> Received + Send,
{
    let start = Barrier::new(consumers.len() + 1);
    thread::scope(|s| {
        let start = &start;
        let handles: Vec<_> = consumers
            .into_iter()
            .map(|consume| {
                s.spawn(move || {
                    start.wait();
                    consume()
                })
            })
            .collect();
        start.wait();
        let started = Instant::now();
        produce();
        let received = handles.into_iter().map(|h| h.join().unwrap());
        (received.fold(NOTHING, Received::add), started.elapsed())
    })
}
// ANCHOR_END: started_together

/// crossbeam's unbounded channel; each consumer holds a clone of the receiver.
pub fn through_crossbeam(items: u64, consumers: usize) -> Delivery {
    let (tx, rx) = crossbeam_channel::unbounded();
    let consume = || rx.iter().fold(NOTHING, Received::item);
    let (received, took) = started_together(vec![consume; consumers], move || {
        // `tx` is dropped when this closure ends: the channel closes, the consumers stop.
        (0..items).for_each(|item| tx.send(item).expect("the consumers are alive"))
    });
    Delivery {
        received,
        took,
        sleeps: None,
    }
}

/// std's channel: its one receiver, or for several consumers the receiver behind a Mutex.
pub fn through_std(items: u64, consumers: usize) -> Delivery {
    let (tx, rx) = mpsc::channel();
    let produce =
        move || (0..items).for_each(|item| tx.send(item).expect("the consumers are alive"));
    let (received, took) = if consumers == 1 {
        let consume = move || rx.iter().fold(NOTHING, Received::item);
        started_together(vec![consume], produce)
    } else {
        let rx = Mutex::new(rx);
        let consume = || {
            let mut received = NOTHING;
            loop {
                let next = rx.lock().unwrap().recv(); // the lock is held for one recv()
                let Ok(item) = next else { break };
                received = received.item(item);
            }
            received
        };
        started_together(vec![consume; consumers], produce)
    };
    Delivery {
        received,
        took,
        sleeps: None,
    }
}

// ANCHOR: python_queue
/// The hand-made queue, used as in Python: `None` is the poison pill, one per consumer.
fn through_hand_made(queue: PythonQueue<Option<u64>>, items: u64, consumers: usize) -> Delivery {
    let consume = || {
        let mut received = NOTHING;
        while let Ok(Some(item)) = queue.get() {
            received = received.item(item);
        }
        received
    };
    let (received, took) = started_together(vec![consume; consumers], || {
        for item in (0..items).map(Some).chain((0..consumers).map(|_| None)) {
            queue.put(item).expect("never shut down");
        }
    });
    let sleeps = Some(queue.sleeps());
    Delivery {
        received,
        took,
        sleeps,
    }
}
// ANCHOR_END: python_queue

/// The hand-made queue that notifies on every put and get, whether a thread sleeps or not.
pub fn through_python_queue_notifying_always(items: u64, consumers: usize) -> Delivery {
    through_hand_made(PythonQueue::notifying_always(0), items, consumers)
}

/// The hand-made queue that notifies only when a thread sleeps, as CPython's Condition does.
pub fn through_python_queue(items: u64, consumers: usize) -> Delivery {
    through_hand_made(PythonQueue::new(0), items, consumers)
}
