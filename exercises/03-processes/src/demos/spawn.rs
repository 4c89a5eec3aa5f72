//! The other way to start a process: run a program, with arguments.
//!
//! `std::process::Command` uses `posix_spawn` or `fork` + `exec` for you: the
//! child is a fresh program, with nothing of the parent's memory but what it
//! is given (arguments, environment, open pipes). That is Python's "spawn"
//! start method, which runs a fresh interpreter.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

// ANCHOR: worker
/// The `worker` program: `worker <num>` says who it is and exits with `num`.
pub fn worker_main(args: &[String]) -> i32 {
    let Some(num) = args.first().and_then(|a| a.parse::<i32>().ok()) else {
        eprintln!("usage: worker <num>   (num: the worker's number, 0 to 255)");
        return 2;
    };
    println!(
        "Worker {num}: pid {}, parent {}",
        std::process::id(),
        std::os::unix::process::parent_id()
    );
    num
}
// ANCHOR_END: worker

// ANCHOR: spawn_workers
/// Runs `program 0`, `program 1`, ... all at once, then waits for them all.
pub fn spawn_workers(program: &Path, count: i32) -> io::Result<Vec<std::process::ExitStatus>> {
    let mut children = Vec::new();
    for num in 0..count {
        children.push(Command::new(program).arg(num.to_string()).spawn()?);
    }
    children.iter_mut().map(|child| child.wait()).collect()
}
// ANCHOR_END: spawn_workers

/// The path of another program of this crate, next to the running one.
/// (The solution crate builds the same programs as `sol_<name>`.)
pub fn sibling_program(name: &str) -> io::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let dir = me.parent().unwrap_or(Path::new("."));
    let prefix = match me.file_name().and_then(|n| n.to_str()) {
        Some(n) if n.starts_with("sol_") => "sol_",
        _ => "",
    };
    Ok(dir.join(format!("{prefix}{name}")))
}
