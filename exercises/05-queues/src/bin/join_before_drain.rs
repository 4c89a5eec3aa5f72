//! `cargo run -p queues --bin join_before_drain`: join a producer that put
//! big items before anyone takes them. Python's Queue hangs here.

fn main() -> std::io::Result<()> {
    let (count, size) = (4, 1 << 20);
    println!("producer puts {count} items of {size} bytes and exits");
    let (status, items) = queues::demos::join_before_drain::join_then_drain(count, size)?;
    println!("joined the producer first: {status}");
    let intact = items
        .iter()
        .enumerate()
        .all(|(n, item)| item.len() == size && item.iter().all(|&b| b == n as u8));
    println!("then drained {} items, intact: {intact}", items.len());
    Ok(())
}
