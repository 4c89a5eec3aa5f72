//! The multiprocessing guide, example 1: a process that prints 1 to 5, started and joined.
fn main() -> std::io::Result<()> {
    processes::demos::sources::simple_process()?;
    Ok(())
}
