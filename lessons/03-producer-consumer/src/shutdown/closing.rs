//! The Rust idiom, closing the channel: when it works, when a Sender is forgotten, and when the
//! consumers panic.

use std::thread;

use super::harness::{Consumer, Counters, spawn_consumers, watch_all};
use super::{CAPACITY, ITEMS, Outcome};
use crate::items::{count_of, quiet_expected_panics};

/// The Rust idiom: dropping the last Sender closes the channel; every consumer's loop ends.
pub fn close_by_dropping_senders(consumers: usize) -> Outcome {
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        // ANCHOR: close
        let handles = spawn_consumers(s, consumers, &counters, move |me| {
            for item in rx.clone() {
                me.consume(item); // the loop ends when the channel is closed and empty
            }
        });
        let producer = s.spawn(move || {
            for item in 0..ITEMS {
                tx.send(item).expect("the consumers are alive");
            }
            // `tx` is dropped here, the last Sender: the channel closes.
        });
        // ANCHOR_END: close
        let hang = watch_all(&producer, &handles, &counters, || {
            "the consumers never saw the channel close".into()
        });
        Outcome::joined("close: drop every Sender", &counters, handles).hung(hang, "by itself")
    })
}

/// The idiom's failure: one Sender clone still alive, so the channel never closes.
pub fn forgotten_sender(consumers: usize) -> Outcome {
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        // ANCHOR: forgotten
        let handles = spawn_consumers(s, consumers, &counters, move |me| {
            for item in rx.clone() {
                me.consume(item);
            }
        });
        let spare = tx.clone(); // kept "for later": the channel cannot close while it lives
        let producer = s.spawn(move || {
            for item in 0..ITEMS {
                tx.send(item).expect("the consumers are alive");
            }
        });
        // ANCHOR_END: forgotten
        let hang = watch_all(&producer, &handles, &counters, || {
            format!(
                "all {} items consumed, then {} waited in recv(): a Sender was still alive, so \
                 the channel never closed",
                counters.processed(),
                count_of(consumers, "consumer")
            )
        });
        drop(spare); // the fix, applied after the hang was seen: the channel closes
        Outcome::joined("close, a Sender forgotten", &counters, handles)
            .hung(hang, "dropping the forgotten Sender")
    })
}

/// The consumers panic, with a bounded channel and the closing idiom: when the last Receiver is
/// dropped, `send()` fails at once, so the producer learns that nobody is left.
pub fn close_when_consumers_panic(consumers: usize) -> Outcome {
    quiet_expected_panics();
    let counters = Counters::default();
    let (tx, rx) = crossbeam_channel::bounded(CAPACITY);
    thread::scope(|s| {
        // ANCHOR: close_panic
        let receivers: Vec<_> = (0..consumers).map(|_| rx.clone()).collect();
        drop(rx); // the producer keeps no Receiver, as the consumers keep no Sender
        let handles: Vec<_> = receivers
            .into_iter()
            .map(|rx| {
                let counters = &counters;
                s.spawn(move || {
                    let mut me = Consumer::new(counters);
                    for item in rx {
                        me.parse(item); // panics on a malformed item, dropping `rx`
                    }
                    me.taken()
                })
            })
            .collect();
        let producer = s.spawn(|| {
            let mut sent = 0;
            for item in 0..ITEMS {
                if tx.send(item).is_err() {
                    return (sent, Some("send() failed: every Receiver was gone"));
                }
                sent += 1;
                counters.sent_one();
            }
            (sent, None)
        });
        // ANCHOR_END: close_panic
        let hang = watch_all(&producer, &handles, &counters, || {
            "the producer waited in send() with nobody to receive".into()
        });
        let said = producer.join().expect("the producer does not panic");
        Outcome::joined("close, consumers panic", &counters, handles)
            .hung(hang, "by itself")
            .producer(said)
    })
}
