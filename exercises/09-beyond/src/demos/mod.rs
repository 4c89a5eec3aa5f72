//! The chapter's worked examples. Each program in `src/bin/` is a thin `main`
//! around one of these.

pub mod collectives;
pub mod deadlock;
pub mod measure;
pub mod ping_pong;
pub mod ranks;
