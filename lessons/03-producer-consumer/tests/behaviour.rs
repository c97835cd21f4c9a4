//! What the lesson guarantees exactly: every item once, hangs detected and ended, losses counted,
//! and the tasks producing the threads' result. No timing is judged here.

use lesson_03_producer_consumer::async_tasks::{self, Tasks, on_tokio, pipeline, with_threads};
use lesson_03_producer_consumer::faults::{self, caught, counted, unchecked};
use lesson_03_producer_consumer::items::expected_checksum;
use lesson_03_producer_consumer::queues::{
    Received, through_crossbeam, through_python_queue, through_python_queue_notifying_always,
    through_std,
};
use lesson_03_producer_consumer::shutdown::{self, FIRST_MALFORMED, ITEMS, scenarios};

#[test]
fn every_shutdown_scenario_does_what_it_is_there_to_show() {
    for consumers in [1, 2, 3] {
        for (run, expect) in scenarios() {
            let outcome = run(consumers);
            assert!(
                outcome.as_expected(expect),
                "{consumers} consumers: {outcome:?} is not {expect:?}"
            );
        }
    }
}

#[test]
fn the_forgotten_sender_hangs_only_the_closing_idiom() {
    let closing = shutdown::forgotten_sender(2);
    assert!(
        closing
            .hang
            .as_deref()
            .unwrap_or("")
            .contains("a Sender was still alive")
    );
    assert!(closing.tally.exactly_once(), "{:?}", closing.tally);
    let pills = shutdown::poison_pills_sender_forgotten(2);
    assert_eq!(pills.hang, None);
    assert!(pills.tally.exactly_once());
}

#[test]
fn panicking_consumers_hang_pills_but_not_the_closing_idiom() {
    let pills = shutdown::pills_when_consumers_panic(2);
    assert!(
        pills
            .hang
            .as_deref()
            .unwrap_or("")
            .contains("waited in put()")
    );
    assert_eq!(pills.processed, FIRST_MALFORMED);
    assert_eq!(pills.panics, ["malformed item 500", "malformed item 501"]);
    let closing = shutdown::close_when_consumers_panic(2);
    assert_eq!(closing.hang, None);
    assert_eq!(closing.processed, FIRST_MALFORMED);
    assert!(
        closing
            .producer
            .unwrap_or("")
            .contains("every Receiver was gone")
    );
    assert!(closing.sent < ITEMS);
}

#[test]
fn join_waits_for_the_pills_that_are_never_marked_done() {
    let outcome = shutdown::join_waits_for_pills(3);
    let hang = outcome.hang.expect("join() must hang");
    assert!(hang.contains("waited for 3 task_done() calls"), "{hang}");
    assert!(outcome.tally.exactly_once());
}

#[test]
fn a_panicking_consumer_loses_items_and_counting_shows_how_many() {
    let silent = unchecked(1);
    assert_eq!(
        (silent.processed, silent.lost(), silent.noticed),
        (700, 300, None)
    );
    let lone = counted(1);
    assert_eq!(lone.lost(), 300);
    assert!(
        lone.noticed
            .unwrap()
            .contains("300 missing (items 700 to 999)")
    );
    let pair = counted(2);
    assert_eq!((pair.processed, pair.lost()), (999, 1));
    assert!(pair.noticed.unwrap().contains("item 700 missing"));
    let safe = caught(2);
    assert_eq!((safe.processed, safe.lost()), (999, 0));
    assert_eq!(safe.failed, ["item 700: malformed item 700"]);
    assert_eq!(faults::MALFORMED, 700);
}

#[test]
fn every_queue_delivers_every_item_once() {
    for consumers in [1, 2, 4] {
        for run in [
            through_crossbeam,
            through_std,
            through_python_queue,
            through_python_queue_notifying_always,
        ] {
            assert_eq!(run(10_000, consumers).received, Received::expected(10_000));
        }
    }
}

#[test]
fn the_hand_made_queue_notifies_only_threads_that_sleep() {
    // Not a timing judgement: each notify_one must wake a thread counted asleep, so there can be
    // no more notifies than sleeps. The naive queue notifies on every put and every get.
    for consumers in [1, 2, 4] {
        let counted = through_python_queue(10_000, consumers).sleeps.unwrap();
        assert!(
            counted.notified <= counted.slept,
            "{consumers} consumers: {counted:?}: a notify with nobody asleep"
        );
        let naive = through_python_queue_notifying_always(10_000, consumers)
            .sleeps
            .unwrap();
        let puts_and_gets = 2 * (10_000 + consumers as u64);
        assert_eq!(naive.notified, puts_and_gets, "{consumers} consumers");
    }
}

#[test]
fn tasks_give_the_threads_result_and_a_forgotten_sender_is_caught() {
    let items = async_tasks::ITEMS;
    let threads = with_threads(items, 2);
    let tasks = on_tokio(pipeline(items, 3, Tasks::LockForRecv));
    assert!(threads.tally.exactly_once() && tasks.tally.exactly_once());
    assert_eq!(threads.checksum, expected_checksum(items));
    assert_eq!(tasks.checksum, threads.checksum);
    assert!(tasks.peak_backlog <= async_tasks::CAPACITY);
    assert_eq!(tasks.hang, None);
    assert_eq!(
        tasks.most_in_io,
        Some(3),
        "with the lock held for recv() only, all 3 consumers should await I/O at once"
    );
    let held = on_tokio(pipeline(items, 3, Tasks::LockHeldThroughIo));
    assert!(held.tally.exactly_once());
    assert_eq!(held.most_in_io, Some(1), "the lock held through the I/O");
    let forgotten = on_tokio(pipeline(items, 2, Tasks::SenderForgotten));
    assert!(
        forgotten.hang.is_some(),
        "the forgotten Sender must be detected"
    );
    assert!(forgotten.tally.exactly_once());
}
