//! `cargo run -p queues --bin close_instead_of_sentinel`: one producer, two
//! consumers, and the end of the queue instead of sentinels.

fn main() -> std::io::Result<()> {
    let statuses = queues::demos::producer_consumer::with_close(6, 2)?;
    let mut total = 0;
    for (worker, status) in statuses.iter().enumerate() {
        println!("consumer {worker} {status}");
        if let processes::demos::process::ExitStatus::Exited(taken) = status {
            total += taken;
        }
    }
    println!("items taken in all: {total}");
    Ok(())
}
