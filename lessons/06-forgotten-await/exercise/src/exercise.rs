// Lesson 06 exercise: edit this file, then check it with
//     cargo run -p lesson-06-exercise
// The hints are in the book, chapter "Forgotten await", section "Exercises".
//
// This program builds each customer's monthly report: it loads the customer's rows from the
// store (waiting when the store says it is busy), renders the report (CPU work) and saves it.
// It compiles without a warning, and it is wrong in the three ways this chapter is about: a
// future that is never awaited, calls that block the runtime's thread, and a task whose error
// nobody hears. Find and fix them all.
//
// TODO: make every customer end in `done` or `failed`, with nothing left unawaited, nothing that
// blocks the runtime's thread, and no error lost with a task nobody waits for.

use lesson_06_exercise::{LoadError, Store, Summary, render};

// ANCHOR: build_reports
/// Builds every customer's report, and says how each customer ended: in `done` once its report
/// is saved, or in `failed` with the error that stopped it. At most `cpu_limit` renders may run
/// at once, and nothing may stall the runtime: other tasks share its thread.
pub async fn build_reports(store: Store, customers: Vec<u32>, cpu_limit: usize) -> Summary {
    let _ = cpu_limit; // TODO: at most `cpu_limit` renders at once
    let (finished, mut finishing) = tokio::sync::mpsc::unbounded_channel();
    for customer in customers {
        let (store, finished) = (store.clone(), finished.clone());
        tokio::spawn(async move {
            build_one(&store, customer).await?;
            finished.send(customer).ok();
            Ok::<(), LoadError>(())
        });
    }
    drop(finished);
    let mut summary = Summary::default();
    while let Some(customer) = finishing.recv().await {
        summary.done.push(customer);
    }
    summary
}
// ANCHOR_END: build_reports

// ANCHOR: build_one
/// One customer: load (again after a pause, while the store is busy), render, save.
async fn build_one(store: &Store, customer: u32) -> Result<(), LoadError> {
    let rows = loop {
        match store.load(customer).await {
            Err(LoadError::Busy { retry_after }) => std::thread::sleep(retry_after),
            loaded => break loaded?,
        }
    };
    let report = render(&rows);
    let _saved = store.save(report);
    Ok(())
}
// ANCHOR_END: build_one
