// Right, and slow: no task at all, one customer after another. Nothing is detached, so every
// error comes back to the loop; the render still leaves the runtime's thread, one at a time.

use lesson_06_exercise::{LoadError, Store, Summary, render};

type Error = Box<dyn std::error::Error + Send + Sync>;

pub async fn build_reports(store: Store, customers: Vec<u32>, cpu_limit: usize) -> Summary {
    // One render at a time is within any limit.
    let _ = cpu_limit;
    let mut summary = Summary::default();
    for customer in customers {
        match build_one(&store, customer).await {
            Ok(()) => summary.done.push(customer),
            Err(error) => summary.failed.push((customer, error.to_string())),
        }
    }
    summary
}

async fn build_one(store: &Store, customer: u32) -> Result<(), Error> {
    let rows = loop {
        match store.load(customer).await {
            Err(LoadError::Busy { retry_after }) => tokio::time::sleep(retry_after).await,
            loaded => break loaded?,
        }
    };
    let report = tokio::task::spawn_blocking(move || render(&rows)).await?;
    store.save(report).await;
    Ok(())
}
