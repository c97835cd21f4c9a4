//! `threads_around` counts the threads a piece of work left behind. (One test in this file: a
//! test binary of its own, so no other test's threads come and go while it counts.)

use std::sync::mpsc;
use std::thread;

use lesson_kit::measure::threads_around;

#[test]
fn threads_left_running_are_counted_and_joined_ones_are_not() {
    let (stop, stopped) = mpsc::channel::<()>();
    let stopped = std::sync::Arc::new(std::sync::Mutex::new(stopped));
    let (left, around) = threads_around(|| {
        (0..3)
            .map(|_| {
                let stopped = std::sync::Arc::clone(&stopped);
                thread::spawn(move || {
                    let _ = stopped.lock().unwrap().recv();
                })
            })
            .collect::<Vec<_>>()
    });
    let Some(around) = around else {
        return; // this system cannot count threads: nothing to check
    };
    assert_eq!(
        around.after,
        around.before + 3,
        "three threads left running"
    );
    assert!(!around.none_left());

    let ((), around) = threads_around(|| {
        drop(stop);
        for thread in left {
            thread.join().unwrap();
        }
    });
    let around = around.expect("counted once, counted again");
    // A joined thread may still be counted for a moment while Linux tears it down: fewer is not
    // promised, only not more.
    assert!(around.none_left(), "{around:?}");
}
