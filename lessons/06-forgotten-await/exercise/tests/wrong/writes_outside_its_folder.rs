// Hostile: write a file outside the folder the answer runs in (Landlock refuses it).

use std::collections::HashMap;
use std::sync::Arc;

use lesson_06_exercise::{LoadError, Store, Summary, render};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Builds every customer's report, and says how each customer ended: in `done` once its report
/// is saved, or in `failed` with the error that stopped it. At most `cpu_limit` renders may run
/// at once, and nothing may stall the runtime: other tasks share its thread.
pub async fn build_reports(store: Store, customers: Vec<u32>, cpu_limit: usize) -> Summary {
    std::fs::write(
        "/tmp/lesson-06-wrong-answer-escaped.txt",
        "written by an answer",
    )
    .expect("writing outside the answer's folder");

    let renders = Arc::new(Semaphore::new(cpu_limit));
    // Every task stays in the set until it is joined: its result, error or panic comes back.
    let mut tasks = JoinSet::new();
    let mut whose = HashMap::new();
    for customer in customers {
        let (store, renders) = (store.clone(), Arc::clone(&renders));
        let task = tasks.spawn(async move { build_one(&store, customer, renders).await });
        whose.insert(task.id(), customer);
    }
    let mut summary = Summary::default();
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((id, Ok(()))) => summary.done.push(whose[&id]),
            Ok((id, Err(error))) => summary.failed.push((whose[&id], error.to_string())),
            Err(panicked) => summary
                .failed
                .push((whose[&panicked.id()], panicked.to_string())),
        }
    }
    summary
}

/// One customer: load (again after a pause, while the store is busy), render, save.
async fn build_one(store: &Store, customer: u32, renders: Arc<Semaphore>) -> Result<(), Error> {
    let rows = loop {
        match store.load(customer).await {
            // Sleeping lets the other tasks run meanwhile; std::thread::sleep would stop them.
            Err(LoadError::Busy { retry_after }) => tokio::time::sleep(retry_after).await,
            loaded => break loaded?,
        }
    };
    // CPU work goes to a blocking thread, no more at once than there are cores to run them. The
    // permit goes with the work and is released when the render ends: were this task cancelled
    // while it waits, the render would go on (a blocking thread cannot be cancelled), and so would
    // its hold on the permit.
    let permit = renders.acquire_owned().await?;
    let report = tokio::task::spawn_blocking(move || {
        let report = render(&rows);
        drop(permit);
        report
    })
    .await?;
    // A future does nothing until it is awaited.
    store.save(report).await;
    Ok(())
}
