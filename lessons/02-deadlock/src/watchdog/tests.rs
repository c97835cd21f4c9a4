//! The watchdog on small graphs: cycles found and named, timed waits that give up left alone.

use std::thread;
use std::time::{Duration, Instant};

use super::*;
use std::sync::Barrier;

#[test]
fn a_cycle_of_two_is_found_named_and_called_off() {
    let graph = WaitForGraph::new(["t0", "t1"], ["A", "B"]);
    let (a, b) = (Lock::new(0, ()), Lock::new(1, ()));
    let both_hold_one = Barrier::new(2);
    let (results, stuck) = watched(&graph, || {
        thread::scope(|s| {
            let one = s.spawn(|| {
                let _a = graph.lock(0, &a)?;
                both_hold_one.wait();
                graph.lock(0, &b).map(|_| ())
            });
            let two = s.spawn(|| {
                let _b = graph.lock(1, &b)?;
                both_hold_one.wait();
                graph.lock(1, &a).map(|_| ())
            });
            (one.join().unwrap(), two.join().unwrap())
        })
    });
    assert_eq!(results, (Err(Cancelled), Err(Cancelled)));
    let stuck = stuck.expect("a deadlock");
    assert_eq!(
        stuck.lines(),
        vec![
            "t0 holds A and waits for B, which t1 holds",
            "t1 holds B and waits for A, which t0 holds"
        ]
    );
}

#[test]
fn a_thread_waiting_for_a_lock_it_holds_is_a_cycle_of_one() {
    let graph = WaitForGraph::new(["t0"], ["A"]);
    let a = Lock::new(0, ());
    let (result, stuck) = watched(&graph, || {
        let _first = graph.lock(0, &a)?;
        graph.lock(0, &a).map(|_| ())
    });
    assert_eq!(result, Err(Cancelled));
    assert_eq!(
        stuck.unwrap().lines(),
        vec!["t0 holds A and waits for A, which t0 holds"]
    );
}

#[test]
fn timed_waits_that_give_up_are_no_deadlock() {
    let graph = WaitForGraph::new(["t0", "t1"], ["A", "B"]);
    let (a, b) = (Lock::new(0, 0u32), Lock::new(1, 0u32));
    let (done, stuck) = watched(&graph, || {
        thread::scope(|s| {
            for (me, first, second) in [(0, &a, &b), (1, &b, &a)] {
                let graph = &graph;
                s.spawn(move || {
                    let mut done = 0;
                    while done < 200 {
                        let mut x = graph.lock(me, first).unwrap();
                        if let Some(mut y) = graph
                            .try_lock_for(me, second, Duration::from_micros(200))
                            .unwrap()
                        {
                            *x += 1;
                            *y += 1;
                            done += 1;
                            graph.made_progress(me);
                        }
                    }
                });
            }
        });
        a.mutex.lock().to_owned() + b.mutex.lock().to_owned()
    });
    assert_eq!(stuck, None);
    assert_eq!(done, 800);
}

#[test]
fn work_that_finishes_stops_the_watchdog_at_once() {
    let graph = WaitForGraph::new(["t0"], ["A"]);
    let started = Instant::now();
    let (value, stuck) = watched(&graph, || 7);
    assert_eq!((value, stuck), (7, None));
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[test]
fn a_wait_is_read_whole_and_a_new_wait_has_a_new_number() {
    let graph = WaitForGraph::new(["t0"], ["A", "B", "C"]);
    graph.begin_wait(0, 2);
    let first = graph.waiting_for(0).expect("waiting");
    assert_eq!(first.0, 2, "the lock waited for");
    graph.end_wait(0);
    assert_eq!(graph.waiting_for(0), None);
    graph.begin_wait(0, 2);
    let second = graph.waiting_for(0).expect("waiting");
    assert_eq!(second.0, 2);
    assert_ne!(first.1, second.1, "the same lock, but another wait");
}
