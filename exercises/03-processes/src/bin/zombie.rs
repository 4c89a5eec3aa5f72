//! A child that has exited is a zombie until it is joined.
fn main() -> std::io::Result<()> {
    let (before, after) = processes::demos::api::zombie_until_joined()?;
    println!("state before join: {before:?}");
    println!("state after join:  {after:?}");
    Ok(())
}
