use std::thread;

fn main() {
    let mut counter = 0;
    thread::scope(|s| {
        for _ in 0..10 {
            s.spawn(|| {
                for _ in 0..1000 {
                    counter += 1; // two threads may not mutate one integer
                }
            });
        }
    });
    println!("{counter}");
}
