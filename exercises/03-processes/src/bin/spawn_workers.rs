//! Spawn five `worker` programs at once, then wait for them all.
use processes::demos::spawn::{sibling_program, spawn_workers};

fn main() -> std::io::Result<()> {
    let worker = sibling_program("worker")?;
    println!("spawner pid: {}", std::process::id());
    for (num, status) in spawn_workers(&worker, 5)?.iter().enumerate() {
        println!("worker {num}: {status}");
    }
    Ok(())
}
