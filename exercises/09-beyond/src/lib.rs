//! Chapter 9 of the book: beyond one machine.
//!
//! Every chapter so far ran on one machine: threads shared memory, processes
//! shared pipes, queues and `mmap`ed pages. When one machine is not enough,
//! the processes live on several, and the only thing they share is the
//! network. MPI (the Message Passing Interface) is the standard engine for
//! that: `mpirun --oversubscribe -np 4 prog` starts four copies of one program, on one
//! machine or many, and each copy learns its *rank* (0 to 3) and the *size*
//! of the group. Python programmers know it as `mpi4py`.
//!
//! * [`demos::ranks`]: rank and size beside pid and `cpu_count`;
//! * [`demos::ping_pong`]: point-to-point `send` and `receive`, beside
//!   chapter 4's pipes, and what blocks;
//! * [`demos::deadlock`]: two ranks that both send a large message first;
//! * [`demos::collectives`]: `scatter`/`gather` as chapter 7's
//!   `map(square)`, `reduce`/`all_reduce` beside chapter 6's shared counter,
//!   and `barrier` beside chapter 2's.
//!
//! The exercises pass a token around a ring of ranks
//! ([`exercises::ring`]), spread a `map` over every rank with uneven shares
//! ([`exercises::spread_map`]) and give every rank a global count
//! ([`exercises::global_count`]).
//!
//! Every program here runs under `mpirun`; run on its own, it is a group of
//! one rank.

pub mod demos;
pub mod exercises;
