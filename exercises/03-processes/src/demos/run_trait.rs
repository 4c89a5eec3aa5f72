//! Python's `Process` subclass with a `run` method, as a trait.

use std::io;

use super::process::{Process, child_println};

// ANCHOR: run_trait
/// What a process runs: Python's `run` method, whose return value becomes
/// the exit code.
pub trait Run {
    fn run(&mut self) -> i32;
}

/// Forks a child that calls `task.run()`. The child works on its own copy of
/// `task`: whatever `run` changes, the parent's `task` never sees.
///
/// # Safety
///
/// `task.run()` must keep to the rules of [`Process::start`]: in a
/// multithreaded program, no std lock, no lazy initialisation, no threads.
pub unsafe fn start<R: Run>(task: &mut R) -> io::Result<Process> {
    // SAFETY: the child runs `task.run()`, which the caller vouches for.
    unsafe { Process::start(|| task.run()) }
}
// ANCHOR_END: run_trait

// ANCHOR: print_numbers_process
/// Prints `from..=to`, and counts what it printed.
pub struct PrintNumbersProcess {
    pub from: u32,
    pub to: u32,
    pub printed: u32,
}

// Allowed in a forked child: `to_string` allocates (glibc's malloc survives
// fork) and `child_println` is one write(2).
impl Run for PrintNumbersProcess {
    fn run(&mut self) -> i32 {
        for i in self.from..=self.to {
            child_println(&i.to_string());
            self.printed += 1;
        }
        self.printed as i32 // the child's count, sent back as its exit code
    }
}
// ANCHOR_END: print_numbers_process
