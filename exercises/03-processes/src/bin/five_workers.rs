//! The multiprocessing guide, workflow: five workers started in a loop, then all joined.
fn main() -> std::io::Result<()> {
    let statuses = processes::demos::sources::five_workers()?;
    let codes: Vec<String> = statuses.iter().map(|s| s.to_string()).collect();
    println!("exit statuses: {}", codes.join(", "));
    Ok(())
}
