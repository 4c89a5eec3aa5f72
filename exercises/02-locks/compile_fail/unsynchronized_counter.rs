use std::thread;

fn main() {
    let mut counter: i64 = 0;
    thread::scope(|s| {
        // Both closures borrow `counter` mutably, at the same time.
        s.spawn(|| {
            for _ in 0..10_000 {
                counter += 1;
            }
        });
        s.spawn(|| {
            for _ in 0..10_000 {
                counter -= 1;
            }
        });
    });
    println!("counter = {counter}");
}
