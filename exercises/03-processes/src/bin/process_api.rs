//! start, is_alive, terminate, kill, join; and the exit status each gives.
use processes::demos::api::stop_a_sleeper;
use processes::demos::process::Process;

fn main() -> std::io::Result<()> {
    // ANCHOR: main
    // SAFETY: the child only returns 3.
    let mut quits = unsafe { Process::start(|| 3) }?;
    let exited = quits.join()?;
    let terminated = stop_a_sleeper(true)?;
    let killed = stop_a_sleeper(false)?;
    for (what, status) in [
        ("returns 3", exited),
        ("terminate()", terminated),
        ("kill()", killed),
    ] {
        println!(
            "{what:<12} {:<30} {status:?}, Python exitcode {}",
            status.to_string(),
            status.python_exitcode()
        );
    }
    // ANCHOR_END: main
    Ok(())
}
