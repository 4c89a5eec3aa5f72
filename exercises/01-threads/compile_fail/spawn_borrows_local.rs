use std::thread;

fn main() {
    let scores = vec![72, 85, 91];
    // ANCHOR: spawn_borrows_local
    let handle = thread::spawn(|| scores.iter().sum::<u32>());
    // ANCHOR_END: spawn_borrows_local
    println!("total: {}", handle.join().unwrap());
}
