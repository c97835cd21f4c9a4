use std::sync::Mutex;
use std::thread;

fn main() {
    let counter = Mutex::new(0);
    let mut handles = Vec::new();
    for _ in 0..10 {
        // thread::spawn needs a closure that owns what it uses: this one borrows a local.
        handles.push(thread::spawn(|| {
            for _ in 0..1000 {
                *counter.lock().unwrap() += 1;
            }
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    println!("{}", counter.lock().unwrap());
}
