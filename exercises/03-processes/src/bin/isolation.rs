//! Memory isolation and crash isolation.
use processes::demos::isolation::{Crash, child_writes_balance, crash_a_child};

fn main() -> std::io::Result<()> {
    let (child, parent) = child_writes_balance()?;
    println!(
        "the child saw a balance of {}; the parent still sees {parent}",
        child.python_exitcode()
    );
    for how in [Crash::Panic, Crash::Abort, Crash::Segfault] {
        let status = crash_a_child(how)?;
        println!(
            "{how:?}: the child {status}, Python exitcode {}",
            status.python_exitcode()
        );
    }
    println!("the parent is still here");
    Ok(())
}
