//! `cargo run -p pipes --bin sender_receiver`: the source tutorial's Pipe
//! example, a sender process and a receiver process.

fn main() -> std::io::Result<()> {
    let (sender, receiver) = pipes::demos::sender_receiver::sender_receiver()?;
    println!("sender {sender}");
    println!("receiver {receiver}");
    if !(sender.success() && receiver.success()) {
        std::process::exit(1);
    }
    Ok(())
}
