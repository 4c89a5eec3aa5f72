//! `cargo run -p queues --bin in_process`: the same queue shapes between
//! threads, with crossbeam-channel.

fn main() {
    let squares = queues::demos::in_process::square_all((1..=10).collect(), 3);
    for (worker, square) in &squares {
        println!("worker {worker} -> {square}");
    }
    println!(
        "{} results, each number squared exactly once",
        squares.len()
    );
}
