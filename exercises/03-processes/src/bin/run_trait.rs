//! Source 001, example 2: the `Process` subclass with a `run` method.
use processes::demos::run_trait::{PrintNumbersProcess, start};

fn main() -> std::io::Result<()> {
    // ANCHOR: main
    let mut task = PrintNumbersProcess {
        from: 1,
        to: 5,
        printed: 0,
    };
    // SAFETY: `run` only formats numbers and writes them with child_println.
    let mut process = unsafe { start(&mut task) }?;
    let status = process.join()?;
    println!("Process finished execution");
    println!(
        "the child counted {} (its exit code); the parent's copy says {}",
        status.python_exitcode(),
        task.printed
    );
    // ANCHOR_END: main
    Ok(())
}
