//! `cargo run -p queues --bin producer_consumer`: the source tutorial's
//! producer and consumer processes, stopped by a `None` sentinel.

fn main() -> std::io::Result<()> {
    let (producer, consumer) = queues::demos::producer_consumer::with_sentinel(5)?;
    println!("producer {producer}");
    println!("consumer {consumer}");
    if !(producer.success() && consumer.success()) {
        std::process::exit(1);
    }
    Ok(())
}
