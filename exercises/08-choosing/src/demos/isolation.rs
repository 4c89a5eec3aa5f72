//! What a crash takes down with it. A thread shares its process: a panic
//! unwinds only the thread and `join` reports it, but an abort or a segfault
//! ends every thread of the process. A child process is a wall: whatever way
//! it dies, the parent reads an exit status and carries on.

pub use processes::demos::isolation::{Crash, crash_a_child};
use std::thread;

use processes::demos::process::panic_text;

// ANCHOR: crash_on_thread
/// Runs a job that crashes the way `how` says on a thread of its own, and
/// returns what `join` reports: `Err(panic message)` for a panic. For an abort
/// or a segfault it never returns: the whole process is gone.
pub fn crash_on_thread(how: Crash) -> Result<(), String> {
    let worker = thread::Builder::new().name("crash-prone job".into());
    let handle = worker
        .spawn(move || match how {
            Crash::Panic => panic!("the job gives up"),
            Crash::Abort => std::process::abort(),
            Crash::Segfault => {
                // SAFETY: none; this is the bug, as in chapter 3's
                // `crash_a_child`: a store through a null pointer.
                unsafe { std::ptr::write_volatile(std::ptr::null_mut::<u64>(), 1) };
            }
        })
        .expect("could not spawn the job's thread");
    handle
        .join()
        .map_err(|payload| panic_text(payload.as_ref()).to_owned())
}
// ANCHOR_END: crash_on_thread

/// Asks the kernel not to write a core file for the crashes we do on purpose.
pub fn no_core_files() {
    use nix::sys::resource::{Resource, setrlimit};
    let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
}
