//! Chapter 6: shared memory.
//!
//! Processes do not share memory, except for what they map as shared before
//! they fork. [`demos::region::SharedSlice`] and
//! [`demos::region::SharedValue`] are such mappings, behind a safe type that
//! only holds what can be shared across processes: atomics, and structs made
//! of them ([`demos::region::ProcessShared`]). [`demos::counter`] increments
//! one counter from several processes, exactly with `fetch_add` and with lost
//! updates with a load followed by a store.
//!
//! The worked examples are in [`demos`]; the exercises, with their `todo!()`
//! bodies, are in [`exercises`]. Test with `cargo test -p shared-memory`.

pub mod demos;
pub mod exercises;
pub mod sync;
