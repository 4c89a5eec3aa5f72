//! Panics a test causes on purpose print nothing, so that the first message
//! a student reads is the one about their mistake; every other panic prints
//! as usual.
//!
//! One panic hook serves three ways of saying "this one is on purpose":
//!
//! * [`catch_quietly`] runs code that is expected to panic and gives back
//!   the panic's message; [`quiet_this_thread`] silences a thread the test
//!   spawned for the rest of its life;
//! * [`panic_quietly`] panics on purpose, once (in a job on a pool's thread,
//!   say), leaving the thread's later panics loud;
//! * after [`quiet_deliberate_panics`], a panic whose message ends with
//!   [`ON_PURPOSE`] is silent on every thread.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, panic_any};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Panics the tests cause on purpose may end their message with this (see
/// [`quiet_deliberate_panics`]). Only the end counts: an assertion that
/// quotes such a message, `right: "... on purpose"`, still prints.
pub const ON_PURPOSE: &str = "on purpose";

thread_local! {
    /// Every panic of this thread is quiet while set.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The next panic of this thread is quiet; the hook clears it.
    static NEXT_QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Whether messages ending with [`ON_PURPOSE`] are quiet.
static BY_MESSAGE: AtomicBool = AtomicBool::new(false);

/// Installs, once per test binary, the hook that hands every panic that is
/// not quiet to the hook that was there before.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let usual = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = NEXT_QUIET.replace(false)
                || QUIET.get()
                || (BY_MESSAGE.load(Ordering::Relaxed)
                    && message(info.payload()).ends_with(ON_PURPOSE));
            if !quiet {
                usual(info);
            }
        }));
    });
}

/// From now on, on every thread, a panic whose message ends with
/// [`ON_PURPOSE`] prints nothing.
pub fn quiet_deliberate_panics() {
    install_hook();
    BY_MESSAGE.store(true, Ordering::Relaxed);
}

/// From now on, panics on the calling thread print nothing: the test that
/// caused them reports them itself, in words that name the mistake.
pub fn quiet_this_thread() {
    install_hook();
    QUIET.set(true);
}

/// Runs `work` with this thread's panics quiet: `Err` with the panic's
/// message if it panicked, `Ok` with its value if it returned.
pub fn catch_quietly<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    let was_quiet = QUIET.get();
    quiet_this_thread();
    let outcome = catch_unwind(AssertUnwindSafe(work));
    QUIET.set(was_quiet);
    outcome.map_err(|payload| message(payload.as_ref()))
}

/// Panics with `payload` (a `&'static str`, a `String`, ...) without printing
/// anything: for a job that panics on purpose.
pub fn panic_quietly<P: Any + Send + 'static>(payload: P) -> ! {
    install_hook();
    NEXT_QUIET.set(true);
    panic_any(payload)
}

/// The text of a panic payload: `panic!("literal")` gives a `&str`, a
/// formatted `panic!` a `String`.
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic whose payload is not a string)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_comes_back_as_its_message() {
        assert_eq!(catch_quietly(|| 4), Ok(4));
        let formatted = catch_quietly(|| panic!("job {} failed", 3));
        assert_eq!(formatted, Err("job 3 failed".to_string()));
        assert_eq!(
            catch_quietly(|| panic_quietly(7_u8)),
            Err("(a panic whose payload is not a string)".to_string())
        );
    }

    #[test]
    fn the_thread_is_loud_again_after_catch_quietly() {
        let _ = catch_quietly(|| panic!("quiet"));
        assert!(
            !QUIET.get(),
            "catch_quietly must restore the thread's state"
        );
        assert!(!NEXT_QUIET.get());
    }
}
