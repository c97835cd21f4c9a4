fn main() {
    for _ in 0..8 {
        let c = lesson_kit::capacity::Capacity::now(2);
        print!("{:.2}/{:.2} ", c.parallel.unwrap(), c.single.unwrap());
    }
    println!();
}
