//! The book's benchmarks: the Rust code of the chapters beside the same
//! programs in Python, and beside the bare system calls they are built on.
//!
//! * [`workloads`]: what is timed, one function per benchmark;
//! * [`suite`]: the list of benchmarks, run by criterion (`cargo bench -p
//!   bench`, or `bench-report`) or by the quick harness ([`quick`]);
//! * [`python`]: runs `python/harness.py`, the Python side;
//! * [`report`] and [`svg`]: the table, the targets and the charts of the
//!   book's "Measured results" page;
//! * [`machine`]: what it all ran on;
//! * [`mpi`]: chapter 9's MPI programs, Rust and mpi4py, under `mpirun`;
//! * [`cold_start`]: a newcomer's first commands on a fresh clone, in CPU
//!   seconds (`--cold-start`).
//!
//! `cargo run --release -p bench --bin bench-report` (or `cargo course
//! bench`) runs everything and writes `src/results/`.

pub mod cold_start;
pub mod machine;
pub mod mpi;
pub mod python;
pub mod quick;
pub mod report;
pub mod ring_queue;
pub mod steady;
pub mod suite;
pub mod svg;
pub mod workloads;
