//! The check a teacher runs: every item processed exactly once and its result returned, a clean
//! shutdown, a bounded backlog, and all the consumers at work. Every failure says what is wrong
//! in a student's words.
//!
//! A pipeline that never shuts down does not fail, it waits forever. So each run of the answer
//! is watched: when nothing moves for [`QUIET`] and `pipeline()` has not returned, the check says
//! how far it got and why it is probably stuck, and the checks after it are skipped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::exercise::Checklist;

use crate::stage::{Items, Ledger, Stage, result_of};

/// The function the exercise asks for.
#[derive(Clone, Copy)]
pub struct Answer {
    pub pipeline: fn(Items, Stage, usize, usize) -> Vec<u64>,
}

/// Nothing moving for this long while `pipeline()` has not returned is a hang.
const QUIET: Duration = Duration::from_secs(1);
/// The checklist's own limit per check, far beyond a working answer's time.
const LIMIT: Duration = Duration::from_secs(60);
/// How long after `pipeline()` returns its consumers may take to finish ending.
const GRACE: Duration = Duration::from_millis(200);

/// One run's parameters.
#[derive(Debug, Clone, Copy)]
struct Setup {
    items: u64,
    workers: usize,
    capacity: usize,
    cost: Duration,
    /// Make the first calls of `process` wait for `workers` threads to show up.
    meet: bool,
}

impl Setup {
    fn new(items: u64, workers: usize, capacity: usize) -> Setup {
        Setup {
            items,
            workers,
            capacity,
            cost: Duration::ZERO,
            meet: false,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} items, {} workers, capacity {}",
            self.items, self.workers, self.capacity
        )
    }
}

/// Runs the answer once, watched. `Ok`: what it returned, and the accounts.
fn run(answer: Answer, setup: Setup) -> Result<(Vec<u64>, Arc<Ledger>), String> {
    let meet = if setup.meet { setup.workers } else { 0 };
    let ledger = Ledger::new(setup.items, setup.cost, meet);
    let (items, stage) = ledger.hand_out();
    let (done, returned) = mpsc::channel();
    let runner = thread::spawn(move || {
        let results = (answer.pipeline)(items, stage, setup.workers, setup.capacity);
        let _ = done.send(results);
    });
    let (mut last, mut still_since) = (ledger.progress(), Instant::now());
    loop {
        match returned.recv_timeout(Duration::from_millis(10)) {
            Ok(results) => {
                let _ = runner.join();
                return Ok((results, ledger));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(match runner.join() {
                    Err(payload) => format!(
                        "{}: pipeline() panicked: {}",
                        setup.describe(),
                        panic_text(payload.as_ref())
                    ),
                    Ok(()) => format!("{}: pipeline() ended without a result", setup.describe()),
                });
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = ledger.progress();
                if now != last {
                    (last, still_since) = (now, Instant::now());
                } else if still_since.elapsed() >= QUIET {
                    // The runner thread stays blocked; it ends with the process.
                    return Err(hang_message(&ledger, setup));
                }
            }
        }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

fn hang_message(ledger: &Ledger, setup: Setup) -> String {
    let (n, taken, processed) = (ledger.items(), ledger.taken(), ledger.processed());
    let quiet = QUIET.as_secs();
    if processed >= n {
        format!(
            "{}: pipeline() did not return: all {n} items were processed, then nothing happened \
             for {quiet} s. The consumers wait for more items as long as any Sender of their \
             channel is alive: drop every Sender (the producer's and every clone) once all items \
             are sent, and make sure nothing else waits on a channel that never closes",
            setup.describe()
        )
    } else if taken >= n {
        format!(
            "{}: pipeline() is stuck: all {n} items were taken, but only {processed} were \
             processed, then nothing moved for {quiet} s: did the consumers stop too early, or \
             is one of them waiting for something?",
            setup.describe()
        )
    } else {
        format!(
            "{}: pipeline() is stuck: the producer took {taken} of {n} items and {processed} were \
             processed, then nothing moved for {quiet} s: is the producer blocked on a full queue \
             that no consumer empties any more?",
            setup.describe()
        )
    }
}

/// " (the last one)" for the last item, to make the classic off-by-one obvious.
fn which(item: u64, items: u64) -> String {
    if item + 1 == items {
        format!("item {item} (the last one)")
    } else {
        format!("item {item}")
    }
}

/// Every item processed once, and its result returned once.
fn exactly_once(answer: Answer, hung: &AtomicBool) -> Result<String, String> {
    let setups = [
        Setup::new(1_000, 2, 8),
        Setup::new(1_000, 3, 1),
        Setup::new(1, 2, 4),
        Setup::new(0, 2, 4),
        Setup::new(517, 4, 2),
        Setup::new(1_000, 1, 16),
    ];
    for setup in setups {
        let (results, ledger) =
            run(answer, setup).inspect_err(|_| hung.store(true, Ordering::Relaxed))?;
        let n = setup.items;
        for item in 0..n {
            match ledger.times_processed(item) {
                1 => {}
                0 => {
                    return Err(format!(
                        "{}: {} was never processed (lost on the way?)",
                        setup.describe(),
                        which(item, n)
                    ));
                }
                times => {
                    return Err(format!(
                        "{}: {} was processed {times} times: each item must go to exactly one consumer",
                        setup.describe(),
                        which(item, n)
                    ));
                }
            }
        }
        let mut returned: HashMap<u64, u32> = HashMap::new();
        for result in &results {
            *returned.entry(*result).or_default() += 1;
        }
        for item in 0..n {
            match returned.get(&result_of(item)).copied().unwrap_or(0) {
                1 => {}
                0 => {
                    return Err(format!(
                        "{}: {n} items went in, {} results came out: the result of {} is missing",
                        setup.describe(),
                        results.len(),
                        which(item, n)
                    ));
                }
                times => {
                    return Err(format!(
                        "{}: the result of {} was returned {times} times",
                        setup.describe(),
                        which(item, n)
                    ));
                }
            }
        }
        if results.len() as u64 != n {
            return Err(format!(
                "{}: {n} items went in, {} results came out, some of them not results of any item",
                setup.describe(),
                results.len()
            ));
        }
    }
    Ok(format!(
        "each item processed once and its result returned once, in {} runs (0 to 1000 items, 1 \
         to 4 workers, capacity 1 to 16)",
        setups.len()
    ))
}

/// `pipeline()` returns, and no consumer thread is still running afterwards.
fn shuts_down_cleanly(answer: Answer, hung: &AtomicBool) -> Result<String, String> {
    if hung.load(Ordering::Relaxed) {
        return Err("skipped: pipeline() does not return yet (see above)".to_string());
    }
    let setup = Setup::new(1_000, 2, 8);
    let (_, ledger) = run(answer, setup).inspect_err(|_| hung.store(true, Ordering::Relaxed))?;
    // The check holds one reference; every other is an Items or a Stage some thread still has.
    let started = Instant::now();
    while Arc::strong_count(&ledger) > 1 && started.elapsed() < GRACE {
        thread::sleep(Duration::from_millis(5));
    }
    match Arc::strong_count(&ledger) - 1 {
        0 => Ok(
            "pipeline() returned, and no thread holds the stage or the items any more: \
                 every consumer has ended"
                .to_string(),
        ),
        held => Err(format!(
            "{}: pipeline() returned, but {held} copies of the stage or the items were still \
             held {} ms later: threads are still running (consumers waiting for items that never \
             come?). Close the channel by dropping every Sender, and join every consumer before \
             returning",
            setup.describe(),
            GRACE.as_millis()
        )),
    }
}

/// Never more items waiting than the queue's capacity allows.
fn bounded_backlog(answer: Answer, hung: &AtomicBool) -> Result<String, String> {
    if hung.load(Ordering::Relaxed) {
        return Err("skipped: pipeline() does not return yet (see above)".to_string());
    }
    let setup = Setup {
        cost: Duration::from_micros(50),
        ..Setup::new(400, 2, 4)
    };
    let (_, ledger) = run(answer, setup).inspect_err(|_| hung.store(true, Ordering::Relaxed))?;
    // Waiting items: those in the queue, the one the producer holds while send() waits, and one
    // per consumer between recv() and process().
    let allowed = (setup.capacity + setup.workers + 1) as u64;
    let peak = ledger.peak_backlog();
    if peak > allowed {
        return Err(format!(
            "{}, slow consumers: up to {peak} items had been taken from `items` and were waiting \
             to be processed (at most {allowed} fit in a queue of capacity {}): is the queue \
             bounded? An unbounded queue lets the producer run ahead of the consumers",
            setup.describe(),
            setup.capacity
        ));
    }
    Ok(format!(
        "with slow consumers, at most {peak} items waited (capacity {} allows {allowed})",
        setup.capacity
    ))
}

/// `workers` consumer threads all process items.
fn uses_the_workers(answer: Answer, hung: &AtomicBool) -> Result<String, String> {
    if hung.load(Ordering::Relaxed) {
        return Err("skipped: pipeline() does not return yet (see above)".to_string());
    }
    let setup = Setup {
        cost: Duration::from_micros(20),
        meet: true,
        ..Setup::new(300, 3, 4)
    };
    let (_, ledger) = run(answer, setup).inspect_err(|_| hung.store(true, Ordering::Relaxed))?;
    match ledger.threads() {
        n if n == setup.workers => Ok(format!("{n} consumer threads processed items, as asked")),
        n => Err(format!(
            "{}: process() ran on {n} thread(s), but {} workers were asked for: start `workers` \
             consumer threads that each take items from the channel",
            setup.describe(),
            setup.workers
        )),
    }
}

/// One check: what held, or what is wrong. The flag says an earlier run hung.
type Check = fn(Answer, &AtomicBool) -> Result<String, String>;

/// Runs every check on `answer`.
pub fn check(answer: Answer) -> Checklist {
    let mut checklist = Checklist::new();
    // Set when a run hangs: the checks after it would only hang too.
    let hung = Arc::new(AtomicBool::new(false));
    let checks: [(&str, Check); 4] = [
        ("exactly once", exactly_once),
        ("clean shutdown", shuts_down_cleanly),
        ("bounded backlog", bounded_backlog),
        ("all workers used", uses_the_workers),
    ];
    for (name, check) in checks {
        let hung = Arc::clone(&hung);
        checklist.check(name, LIMIT, move || check(answer, &hung));
    }
    checklist
}
