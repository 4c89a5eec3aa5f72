//! Each process has its own memory, and a crash stays in the process that
//! crashed.

use std::io;

use nix::sys::resource::{Resource, setrlimit};

use super::process::{ExitStatus, Process};

// ANCHOR: memory
/// The child adds 50 to the parent's `balance`, through a `&mut` borrow of
/// the very variable. Returns (the child's view, the parent's view after it).
pub fn child_writes_balance() -> io::Result<(ExitStatus, i32)> {
    let mut balance = 100;
    // SAFETY: the child only adds to an integer of its own copy of memory.
    let mut child = unsafe {
        Process::start(|| {
            balance += 50; // the child's copy of the page that holds `balance`
            balance
        })
    }?;
    let childs_view = child.join()?; // Exited(150)
    Ok((childs_view, balance)) // balance is still 100 here
}
// ANCHOR_END: memory

/// Three ways for a child to die.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    /// `panic!`: the process exits with code 101.
    Panic,
    /// `std::process::abort()`: SIGABRT.
    Abort,
    /// A write through a null pointer: SIGSEGV.
    Segfault,
}

// ANCHOR: crash
/// Starts a child that crashes the way `how` says and returns how it ended.
/// The parent carries on.
pub fn crash_a_child(how: Crash) -> io::Result<ExitStatus> {
    let crash = move || {
        // No core file for a crash we do on purpose.
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
        match how {
            Crash::Panic => panic!("the child gives up"),
            Crash::Abort => std::process::abort(),
            Crash::Segfault => {
                // SAFETY: none; this is the bug. Writing through a null
                // pointer is undefined behaviour; `write_volatile` keeps the
                // compiler from reasoning it away, so the store reaches the
                // CPU, the MMU finds no page at address 0, and the kernel
                // sends SIGSEGV.
                unsafe { std::ptr::write_volatile(std::ptr::null_mut::<u64>(), 1) };
                0
            }
        }
    };
    // SAFETY: the child calls setrlimit(2), then panics (Process reports
    // it with one write(2)), aborts (raise(3) is async-signal-safe) or
    // faults; none of it takes a lock another thread could hold.
    let mut child = unsafe { Process::start(crash) }?;
    child.join()
}
// ANCHOR_END: crash
