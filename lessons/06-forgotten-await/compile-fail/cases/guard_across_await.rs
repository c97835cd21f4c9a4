use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn increment(counter: Arc<Mutex<u64>>) {
    let mut count = counter.lock().unwrap();
    *count += 1;
    tokio::time::sleep(Duration::from_millis(1)).await;
}

fn main() {
    let counter = Arc::new(Mutex::new(0));
    drop(tokio::spawn(increment(counter)));
}
