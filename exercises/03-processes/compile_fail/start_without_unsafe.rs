use processes::demos::process::Process;

fn main() -> std::io::Result<()> {
    // ANCHOR: start_without_unsafe
    let mut child = Process::start(|| {
        println!("hello from the child"); // stdout's lock: not allowed here
        0
    })?;
    // ANCHOR_END: start_without_unsafe
    child.join()?;
    Ok(())
}
