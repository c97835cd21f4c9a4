#![deny(unused_must_use)]

async fn work() {}

async fn caller() {
    work();
}

fn main() {
    drop(caller());
}
