//! The worked examples of chapter 1, shared verbatim by the exercise and
//! solution crates.

pub mod arguments;
pub mod daemon;
pub mod interleaving;
pub mod names;
pub mod results;
pub mod scoped;
pub mod spawning;

/// A closure that borrows a local variable cannot be handed to
/// [`std::thread::spawn`]: the thread might outlive the variable.
///
/// ```compile_fail,E0373
#[doc = include_str!("../../compile_fail/spawn_borrows_local.rs")]
/// ```
pub mod compile_fail {}
