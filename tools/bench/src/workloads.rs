//! What is measured: each function does one operation `iters` times and
//! returns how long that took, the shape of criterion's `iter_custom`.
//!
//! Setup that is not part of the operation (building the input, creating the
//! queue) happens before the clock starts. Every workload checks its own
//! result (all messages arrived, the counter holds the right total, the map
//! returned the right squares): a benchmark that silently did less work would
//! look fast.

use std::hint::black_box;
use std::io::{self, Read, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};
use pipes::demos::framing;
use pools::demos::process_pool::ProcessPool;
use pools::demos::shared_pool::SharedMemoryPool;
use pools::demos::thread_pool::ThreadPool;
use processes::demos::process::{ExitStatus, Process};

use crate::steady::{one_cpu, start_at_line, timed};
use queues::demos::queue::queue;
use rayon::prelude::*;
use serde_bytes::ByteBuf;

// ---------------------------------------------------------------- threads

/// `std::thread::spawn` of a thread that does nothing, then `join`.
pub fn thread_spawn_join(iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        thread::spawn(|| black_box(()))
            .join()
            .expect("an empty thread panicked");
    }
    start.elapsed()
}

extern "C" fn do_nothing(arg: *mut nix::libc::c_void) -> *mut nix::libc::c_void {
    arg
}

/// The floor under `thread::spawn`: `pthread_create` and `pthread_join`
/// alone, with no name, no result slot, no `Arc`.
pub fn pthread_create_join(iters: u64) -> Duration {
    use nix::libc;
    let start = Instant::now();
    for _ in 0..iters {
        let mut thread = std::mem::MaybeUninit::<libc::pthread_t>::uninit();
        // SAFETY: `do_nothing` touches nothing; the thread is joined below.
        let created = unsafe {
            libc::pthread_create(
                thread.as_mut_ptr(),
                std::ptr::null(),
                do_nothing,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(created, 0, "pthread_create failed with error {created}");
        // SAFETY: pthread_create succeeded, so `thread` is initialised, and
        // it is joined exactly once.
        let joined = unsafe { libc::pthread_join(thread.assume_init(), std::ptr::null_mut()) };
        assert_eq!(joined, 0, "pthread_join failed with error {joined}");
    }
    start.elapsed()
}

// -------------------------------------------------------------- processes

/// Chapter 3's `Process::start` of a child that returns 0 at once, then
/// `join`.
pub fn process_start_join(iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        // SAFETY: the child only returns 0.
        let mut child = unsafe { Process::start(|| 0) }.expect("fork failed");
        let status = child.join().expect("waitpid failed");
        assert_eq!(status, ExitStatus::Exited(0), "the empty child failed");
    }
    start.elapsed()
}

/// The floor: `fork`, `_exit(0)` in the child, `waitpid` in the parent.
pub fn fork_exit_waitpid(iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        // SAFETY: the child calls only `_exit`, which is async-signal-safe.
        match unsafe { fork() }.expect("fork failed") {
            // SAFETY: `_exit` is async-signal-safe and ends the child at once.
            ForkResult::Child => unsafe { nix::libc::_exit(0) },
            ForkResult::Parent { child } => {
                let status = waitpid(child, None).expect("waitpid failed");
                assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
            }
        }
    }
    start.elapsed()
}

/// The program that [`command_spawn_wait`] runs: the smallest one every
/// Linux has.
pub const TINY_PROGRAM: &str = "/bin/true";

/// `std::process::Command` runs [`TINY_PROGRAM`] and waits for it: a fresh
/// program, like Python's `subprocess.run`.
pub fn command_spawn_wait(iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let status = std::process::Command::new(TINY_PROGRAM)
            .status()
            .expect("could not run /bin/true");
        assert!(status.success(), "/bin/true failed: {status}");
    }
    start.elapsed()
}

// ------------------------------------------------------------------ pipes

/// The size of one message in the pipe benchmarks: 64 KiB, the default
/// capacity of a Linux pipe.
pub const MESSAGE_BYTES: usize = 64 * 1024;

/// A child sends `iters` messages of 64 KiB through chapter 4's framing
/// (`framing::send`, a length prefix and a postcard payload marked as bytes),
/// the parent receives them with `framing::recv` until end-of-file.
pub fn pipe_framed(iters: u64) -> Duration {
    framed_transfer(
        iters,
        |writer, payload| framing::send(writer, serde_bytes::Bytes::new(payload)),
        |reader| Ok(framing::recv::<ByteBuf>(reader)?.map(|message| message.len())),
    )
}

/// The same transfer as [`pipe_framed`] for a plain `Vec<u8>`, sent with
/// `framing::send_bytes` and received with `framing::recv_bytes`: bytes as
/// bytes, the way a student should send a `Vec<u8>` (a plain `Vec<u8>` given
/// to `send` is a sequence of numbers to serde: [`pipe_framed_seq`]).
pub fn pipe_framed_vec(iters: u64) -> Duration {
    framed_transfer(iters, framing::send_bytes, |reader| {
        Ok(framing::recv_bytes(reader)?.map(|message| message.len()))
    })
}

/// A `Vec<u8>` inside a struct, with no `serde_bytes` mark: serde sees a
/// sequence of numbers, and postcard encodes and decodes it one `u8` at a
/// time. The bytes on the wire are those of [`pipe_framed_vec`].
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Numbers {
    pub data: Vec<u8>,
}

impl AsRef<[u8]> for Numbers {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl From<Vec<u8>> for Numbers {
    fn from(data: Vec<u8>) -> Numbers {
        Numbers { data }
    }
}

/// The same transfer with each message a [`Numbers`]: the cost of serde's
/// one call per byte, both ways (plus a copy of the payload into the struct
/// per message, small beside it).
pub fn pipe_framed_seq(iters: u64) -> Duration {
    framed_transfer(
        iters,
        |writer, payload| framing::send(writer, &Numbers::from(payload.to_vec())),
        |reader| Ok(framing::recv::<Numbers>(reader)?.map(|message| message.data.len())),
    )
}

/// The framed transfer the pipe benchmarks time: the child sends `iters`
/// 64 KiB payloads with `send` (which decides how serde sees the bytes); the
/// parent receives them with `recv` (which gives each message's length)
/// until end-of-file and checks that none was lost or cut short. The child
/// is started before the clock ([`steady`](crate::steady)): the figure is
/// the transfer alone.
fn framed_transfer(
    iters: u64,
    send: fn(&mut io::PipeWriter, &[u8]) -> io::Result<()>,
    recv: fn(&mut io::PipeReader) -> io::Result<Option<usize>>,
) -> Duration {
    let _cpu = one_cpu();
    let payload = vec![0x5a_u8; MESSAGE_BYTES];
    let (mut reader, mut writer) = io::pipe().expect("pipe failed");
    // SAFETY: the child encodes (allocation is allowed: glibc's malloc
    // survives fork) and writes to a pipe with write(2).
    let mut sender = unsafe {
        start_at_line(move || {
            for _ in 0..iters {
                if send(&mut writer, &payload).is_err() {
                    return 1;
                }
            }
            0
        })
    };
    let (received, elapsed) = timed(|| {
        sender.go();
        let mut received = 0;
        while let Some(len) = recv(&mut reader).expect("recv failed") {
            assert_eq!(len, MESSAGE_BYTES, "a message was cut short");
            received += 1;
        }
        received
    });
    assert_eq!(sender.join(), ExitStatus::Exited(0), "the sender failed");
    assert_eq!(received, iters, "messages were lost");
    elapsed
}

/// The floor: the child `write`s 64 KiB blocks, the parent `read`s them into
/// one reused buffer. No header, no encoding, no allocation.
pub fn pipe_raw(iters: u64) -> Duration {
    let _cpu = one_cpu();
    let block = vec![0x5a_u8; MESSAGE_BYTES];
    let mut buffer = vec![0_u8; MESSAGE_BYTES];
    let (mut reader, mut writer) = io::pipe().expect("pipe failed");
    // SAFETY: the child writes a block to a pipe with write(2).
    let mut sender = unsafe {
        start_at_line(move || {
            for _ in 0..iters {
                if writer.write_all(&block).is_err() {
                    return 1;
                }
            }
            0
        })
    };
    let (received, elapsed) = timed(|| {
        sender.go();
        let mut received = 0;
        while framing::read_until_full(&mut reader, &mut buffer).expect("read failed")
            == MESSAGE_BYTES
        {
            received += 1;
        }
        received
    });
    assert_eq!(sender.join(), ExitStatus::Exited(0), "the sender failed");
    assert_eq!(received, iters, "blocks were lost");
    elapsed
}

// ----------------------------------------------------------------- queues

/// A producer process puts `iters` small items (`u64`) on chapter 5's queue,
/// the parent takes them until the queue ends.
pub fn queue_items(iters: u64) -> Duration {
    let (tx, rx) = queue::<u64>().expect("could not create the queue");
    // SAFETY: the child sends on the queue (read, write and fallocate system
    // calls on pipes and a file, plus encoding, which allocates: allowed,
    // glibc's malloc survives fork).
    unsafe {
        one_producer_process(
            iters,
            move |item| tx.send(&item).is_ok(),
            move || rx.recv().expect("recv failed"),
        )
    }
}

/// Times the transfer from one producer process that calls `send` with
/// `0..iters` (stopping at the first `false`), while the parent takes items
/// with `recv` until it gives `None`; then checks that every item arrived,
/// unchanged, and that the producer succeeded. The producer is started
/// before the clock ([`steady`](crate::steady)). The queue's and the ring's
/// rows share it.
///
/// # Safety
///
/// `send` runs in a forked child: it must keep the contract of
/// [`Process::start`].
pub(crate) unsafe fn one_producer_process(
    iters: u64,
    mut send: impl FnMut(u64) -> bool,
    mut recv: impl FnMut() -> Option<u64>,
) -> Duration {
    // SAFETY: `send` keeps `start`'s contract (our caller's promise); the
    // loop around it only counts.
    let mut producer = unsafe {
        start_at_line(move || {
            for item in 0..iters {
                if !send(item) {
                    return 1;
                }
            }
            0
        })
    };
    let ((received, sum), elapsed) = timed(|| {
        producer.go();
        let mut sum = 0_u64;
        let mut received = 0_u64;
        while let Some(item) = recv() {
            sum = sum.wrapping_add(item);
            received += 1;
        }
        (received, sum)
    });
    assert_eq!(
        producer.join(),
        ExitStatus::Exited(0),
        "the producer failed"
    );
    assert_eq!(received, iters, "items were lost");
    assert_eq!(
        sum,
        (0..iters).fold(0_u64, u64::wrapping_add),
        "items changed"
    );
    elapsed
}

/// Bytes per item in [`queue_floor`]: about the size of one of the queue's
/// frames for a `u64`.
pub const QUEUE_RECORD_BYTES: usize = 16;

/// The floor under a queue of small items: one `write(2)` of a 16-byte
/// record per item in the child, one `read(2)` per record in the parent.
/// No framing, no encoding, no read lock.
pub fn queue_floor(iters: u64) -> Duration {
    let (mut reader, mut writer) = io::pipe().expect("pipe failed");
    // SAFETY: the child writes records to a pipe with write(2).
    let mut producer = unsafe {
        start_at_line(move || {
            for item in 0..iters {
                let mut record = [0_u8; QUEUE_RECORD_BYTES];
                record[..8].copy_from_slice(&item.to_le_bytes());
                if writer.write_all(&record).is_err() {
                    return 1;
                }
            }
            0
        })
    };
    let (received, elapsed) = timed(|| {
        producer.go();
        let mut record = [0_u8; QUEUE_RECORD_BYTES];
        let mut received = 0_u64;
        loop {
            match reader.read_exact(&mut record) {
                Ok(()) => received += 1,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                Err(e) => panic!("read failed: {e}"),
            }
        }
        received
    });
    assert_eq!(
        producer.join(),
        ExitStatus::Exited(0),
        "the producer failed"
    );
    assert_eq!(received, iters, "records were lost");
    elapsed
}

// --------------------------------------------------------------- counters

/// Splits `iters` increments over `threads` threads; returns the share of
/// each and the total actually done (at least `iters`).
fn shares(iters: u64, threads: u64) -> (u64, u64) {
    let each = iters.div_ceil(threads).max(1);
    (each, each * threads)
}

/// Scales a time measured for `done` operations to `iters` of them.
fn scaled(elapsed: Duration, iters: u64, done: u64) -> Duration {
    elapsed.mul_f64(iters as f64 / done as f64)
}

/// `threads` threads add 1 to a `Mutex<u64>`, `iters` times in all.
pub fn mutex_counter(threads: u64, iters: u64) -> Duration {
    let (each, done) = shares(iters, threads);
    let counter = Mutex::new(0_u64);
    let start = Instant::now();
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..each {
                    *counter.lock().expect("poisoned") += 1;
                }
            });
        }
    });
    let elapsed = start.elapsed();
    let total = counter.into_inner().expect("poisoned");
    assert_eq!(total, done, "increments were lost under a Mutex");
    scaled(elapsed, iters, done)
}

/// `threads` threads add 1 to an `AtomicU64` with `fetch_add`, `iters` times
/// in all.
pub fn atomic_counter(threads: u64, iters: u64) -> Duration {
    let (each, done) = shares(iters, threads);
    let counter = AtomicU64::new(0);
    let start = Instant::now();
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..each {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let elapsed = start.elapsed();
    assert_eq!(counter.into_inner(), done, "increments were lost");
    scaled(elapsed, iters, done)
}

// -------------------------------------------------------------------- map

/// How many numbers the `map(square)` benchmarks square: the source
/// tutorial's `Pool.map(square, ...)` scaled to 10^6.
pub const MAP_LEN: u64 = 1_000_000;

/// The function every `map` benchmark applies.
pub fn square(x: u64) -> u64 {
    x * x
}

/// The numbers `0..MAP_LEN`.
pub fn map_input() -> Vec<u64> {
    (0..MAP_LEN).collect()
}

/// Panics unless `output` is the squares of `0..MAP_LEN`, in order.
pub fn check_squares(output: &[u64]) {
    assert_eq!(output.len() as u64, MAP_LEN, "map returned the wrong count");
    for (x, y) in output.iter().enumerate() {
        assert_eq!(*y, square(x as u64), "map returned a wrong square");
    }
}

/// Runs `map` over the input `iters` times, checking the first result.
fn time_map(iters: u64, mut map: impl FnMut(&[u64]) -> Vec<u64>) -> Duration {
    let input = map_input();
    check_squares(&map(&input));
    let start = Instant::now();
    for _ in 0..iters {
        black_box(map(black_box(&input)));
    }
    start.elapsed()
}

/// `input.iter().map(square).collect()` on this thread.
pub fn map_loop(iters: u64) -> Duration {
    time_map(iters, |input| input.iter().map(|&x| square(x)).collect())
}

/// rayon: `input.par_iter().map(square).collect()` on its global pool (one
/// thread per core).
pub fn map_rayon(iters: u64) -> Duration {
    time_map(iters, |input| {
        input.par_iter().map(|&x| square(x)).collect()
    })
}

// --------------------------------------------------------------- CPU-bound

/// The CPU-bound task: count the primes below this, by trial division.
pub const PRIMES_BELOW: u64 = 200_000;

/// Numbers per block handed out to the threads in turn.
const PRIME_BLOCK: u64 = 1000;

/// The CPU-bound task's test for one number: chapter 8's trial division, so
/// that the benchmark measures the very code the chapter shows.
pub use choosing::demos::cpu::is_prime;

/// Counts the primes below `limit` on `threads` threads, each taking blocks
/// of 1000 numbers in turn (block k goes to thread k mod threads), so that
/// both get a fair share of the large numbers.
pub fn count_primes(limit: u64, threads: u64) -> u64 {
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    let mut count = 0;
                    let mut block_start = worker * PRIME_BLOCK;
                    while block_start < limit {
                        let block_end = (block_start + PRIME_BLOCK).min(limit);
                        count += (block_start..block_end).filter(|&n| is_prime(n)).count() as u64;
                        block_start += threads * PRIME_BLOCK;
                    }
                    count
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a counting thread panicked"))
            .sum()
    })
}

/// There are 17 984 primes below 200 000.
pub const PRIMES_BELOW_COUNT: u64 = 17_984;

/// The CPU-bound task on `threads` threads, `iters` times.
pub fn primes(threads: u64, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let count = count_primes(black_box(PRIMES_BELOW), threads);
        assert_eq!(count, PRIMES_BELOW_COUNT, "wrong number of primes");
    }
    start.elapsed()
}

/// Chapter 7's `ProcessPool::map(square, &input)` on 2 worker processes,
/// forked before the clock starts (as Python's pool is made before timing).
pub fn map_process_pool(iters: u64) -> Duration {
    let mut pool = ProcessPool::new(2).expect("could not fork the pool's workers");
    let elapsed = time_map(iters, |input| {
        // SAFETY: the only task is `square`, which only computes.
        unsafe { pool.map(pools::demos::tasks::square, input) }.expect("the process pool failed")
    });
    pool.close();
    let statuses = pool.join().expect("could not join the pool's workers");
    assert!(statuses.iter().all(ExitStatus::success), "{statuses:?}");
    elapsed
}

/// Chapter 7's `SharedMemoryPool` on 2 worker processes: the same map, with
/// the items and results in shared memory (room for all 10^6) and only chunk
/// numbers on the pipes. Forked before the clock starts, like the others.
pub fn map_shared_memory_pool(iters: u64) -> Duration {
    // SAFETY: the only task is `square`, which only computes.
    let mut pool = unsafe { SharedMemoryPool::new(2, MAP_LEN as usize, square) }
        .expect("could not fork the pool's workers");
    let elapsed = time_map(iters, |input| {
        pool.map(input).expect("the shared-memory pool failed")
    });
    let statuses = pool.join().expect("could not join the pool's workers");
    assert!(statuses.iter().all(ExitStatus::success), "{statuses:?}");
    elapsed
}

/// Chapter 7's `ThreadPool::map(square, input)` on 2 threads. It takes the
/// input by value, so each run gets a copy, made before the clock starts.
pub fn map_thread_pool(iters: u64) -> Duration {
    let pool = ThreadPool::new(2);
    let input = map_input();
    let first = pool
        .map(pools::demos::tasks::square, input.clone())
        .expect("a task panicked");
    check_squares(&first);
    let mut elapsed = Duration::ZERO;
    for _ in 0..iters {
        let copy = input.clone();
        let start = Instant::now();
        let output = pool
            .map(pools::demos::tasks::square, black_box(copy))
            .expect("a task panicked");
        elapsed += start.elapsed();
        black_box(output);
    }
    elapsed
}
