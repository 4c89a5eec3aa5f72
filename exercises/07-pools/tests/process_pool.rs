//! Tests of the process pool: order, completeness, crash reports, shutdown,
//! and `imap` streaming results in order while workers finish out of order.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use nix::libc;
use pools::demos::process_pool::{ProcessPool, python_chunksize};
use pools::demos::tasks::{square, worker_pid};
use processes::demos::process::{ExitStatus, Process};
use serde::{Deserialize, Serialize};
use testkit::{DEADLINE, within};

mod crashes;
use crashes::{
    Crash, abort_on_seven, assert_task_panicked, assert_worker_died, exit_on_seven, kill_on_seven,
    panic_on_seven,
};

const HANG: &str = "deadlock: map never returned. A worker that died or a reply that never \
     came: look at how the pool waits for replies (poll on every busy worker's result pipe)";

// Every `map` and `imap` below is `unsafe`: the tasks these tests give a
// pool (square, worker_pid, shout, the `*_on_seven` functions, gated_square,
// garble_on_seven, odds_up_to, count_odds, never_ends_on_one) compute,
// allocate, panic, or make async-signal-safe calls (read, write, fcntl,
// fstat, getpid, kill, setrlimit, abort, _exit, pause, open, dup2); none
// takes a lock, reads the environment or starts a thread. Each SAFETY
// comment says "tasks of this file" for that.

fn pool(workers: usize) -> ProcessPool {
    ProcessPool::new(workers).expect("could not start the pool")
}

/// A pool whose workers also keep the descriptors in `keep`.
fn pool_keeping(workers: usize, keep: &[RawFd]) -> ProcessPool {
    ProcessPool::new_keeping_fds(workers, keep).expect("could not start the pool")
}

#[test]
fn the_tutorials_example() {
    let _clean = testkit::process_scope();
    let result = within(DEADLINE, "map(square, [1..5])", HANG, || {
        // SAFETY: tasks of this file (see the note above `pool`).
        unsafe { pool(4).map(square, &[1, 2, 3, 4, 5]) }.expect("map failed")
    });
    assert_eq!(result, vec![1, 4, 9, 16, 25]);
}

#[test]
fn results_come_back_in_input_order() {
    let _clean = testkit::process_scope();
    let numbers: Vec<u64> = (0..1000).rev().collect();
    let result = within(DEADLINE, "map over 1000 numbers", HANG, move || {
        // SAFETY: tasks of this file (see the note above `pool`).
        unsafe { pool(3).map(square, &numbers) }.expect("map failed")
    });
    let expected: Vec<u64> = (0..1000u64).rev().map(|x| x * x).collect();
    assert_eq!(
        result, expected,
        "results must be in the order of the inputs"
    );
}

#[test]
fn a_hundred_thousand_items_all_come_back() {
    let _clean = testkit::process_scope();
    let numbers: Vec<u64> = (0..100_000).collect();
    let result = within(DEADLINE, "map over 100 000 numbers", HANG, move || {
        // SAFETY: tasks of this file (see the note above `pool`).
        unsafe { pool(4).map(square, &numbers) }.expect("map failed")
    });
    assert_eq!(result.len(), 100_000, "one result per item");
    let wrong = (0..100_000u64).find(|&i| result[i as usize] != i * i);
    assert_eq!(wrong, None, "a wrong or misplaced result at this index");
}

#[test]
fn the_tasks_run_in_the_workers_not_in_the_parent() {
    let _clean = testkit::process_scope();
    let (pids, ran_in) = within(DEADLINE, "map(worker_pid)", HANG, || {
        let mut pool = pool(3);
        // SAFETY: tasks of this file (see the note above `pool`).
        let ran_in = unsafe { pool.imap(worker_pid, &[0u64; 60], 1) }
            .unwrap()
            .collect::<Result<Vec<_>, _>>();
        (pool.pids(), ran_in.expect("map failed"))
    });
    let parent = std::process::id() as i32;
    for pid in ran_in {
        assert_ne!(pid, parent, "a task ran in the parent process");
        assert!(
            pids.contains(&pid),
            "a task ran in {pid}, not one of the workers {pids:?}"
        );
    }
}

#[test]
fn no_items_no_results() {
    let _clean = testkit::process_scope();
    let result = within(DEADLINE, "map over nothing", HANG, || {
        // SAFETY: tasks of this file (see the note above `pool`).
        unsafe { pool(2).map(square, &[]) }.expect("map failed")
    });
    assert!(result.is_empty());
}

#[test]
fn pythons_chunksize_is_about_four_chunks_per_worker() {
    assert_eq!(python_chunksize(5, 4), 1); // the tutorial: 5 numbers, 4 cores
    assert_eq!(python_chunksize(100, 4), 7); // divmod(100, 16) = (6, 4): 6 + 1
    assert_eq!(python_chunksize(96, 4), 6); // no remainder: exactly 16 chunks
    assert_eq!(python_chunksize(0, 4), 0);
    for len in 1..500usize {
        for workers in 1..9 {
            let chunks = len.div_ceil(python_chunksize(len, workers));
            assert!(
                chunks <= 4 * workers,
                "{len} items, {workers} workers: {chunks} chunks, more than 4 per worker"
            );
        }
    }
}

#[test]
fn items_larger_than_a_pipe_cross_both_ways() {
    fn shout(text: String) -> String {
        text.to_uppercase()
    }
    let _clean = testkit::process_scope();
    let texts: Vec<String> = (0..6).map(|i| format!("{i}").repeat(300_000)).collect();
    let result = within(DEADLINE, "map over 300 KB strings", HANG, move || {
        let mut pool = pool(2);
        // SAFETY: tasks of this file (see the note above `pool`).
        let result = unsafe { pool.imap(shout, &texts, 2) }
            .unwrap()
            .collect::<Result<Vec<_>, _>>();
        result.expect("map failed")
    });
    for (i, text) in result.iter().enumerate() {
        assert_eq!(text.len(), 300_000, "result {i} was cut short");
    }
}

// ---------------------------------------------------------------------------
// A worker that dies is reported, and the pool replaces it.

/// Runs `task` over 0..20 in chunks of 3 on 2 workers, expects an error,
/// and checks that the pool goes on with 2 workers afterwards.
fn crash(task: fn(u64) -> u64) -> Crash {
    within(
        DEADLINE,
        "map with a task that ends its worker",
        "the pool waited for a reply from a dead worker, as Python's Pool.map does. \
         End-of-file on the worker's result pipe means it died: reap it and report it",
        move || {
            let mut pool = pool(2);
            let before = pool.pids();
            let items: Vec<u64> = (0..20).collect();
            // SAFETY: tasks of this file (see the note above `pool`).
            let outcome = unsafe { pool.imap(task, &items, 3) }
                .unwrap()
                .collect::<Result<Vec<_>, _>>();
            let error = outcome.expect_err("map succeeded although a worker died");
            let after = pool.pids();
            // SAFETY: tasks of this file (see the note above `pool`).
            let again =
                unsafe { pool.map(square, &items) }.expect("the pool is unusable after a crash");
            assert_eq!(again, items.iter().map(|x| x * x).collect::<Vec<_>>());
            Crash {
                error,
                before,
                after,
            }
        },
    )
}

fn expect_death(task: fn(u64) -> u64, expected: ExitStatus, words: &str) {
    let _clean = testkit::process_scope();
    assert_worker_died(crash(task), expected, words);
}

#[test]
fn a_worker_that_aborts_is_reported_with_its_pid_chunk_and_signal() {
    expect_death(abort_on_seven, ExitStatus::Signaled(6), "SIGABRT");
}

#[test]
fn a_worker_killed_with_sigkill_is_reported_not_waited_for() {
    expect_death(kill_on_seven, ExitStatus::Signaled(9), "SIGKILL");
}

#[test]
fn a_worker_that_exits_is_reported_with_its_exit_code() {
    expect_death(exit_on_seven, ExitStatus::Exited(3), "code 3");
}

#[test]
fn a_panicking_task_is_reported_and_its_worker_lives_on() {
    let _clean = testkit::process_scope();
    let crash = crash(panic_on_seven);
    assert_task_panicked(&crash);
    assert_eq!(
        crash.before, crash.after,
        "a caught panic costs no worker, and no other worker is replaced"
    );
}

// ---------------------------------------------------------------------------
// Shutdown.

#[test]
fn dropping_the_pool_leaves_no_worker_behind() {
    // process_scope fails this test if a worker or a pipe end is left.
    let _clean = testkit::process_scope();
    within(
        DEADLINE,
        "drop(pool)",
        "a worker never saw its task pipe close",
        || {
            let mut pool = pool(4);
            // SAFETY: tasks of this file (see the note above `pool`).
            unsafe { pool.map(square, &[1, 2, 3]) }.unwrap();
            drop(pool);
        },
    );
}

#[test]
fn close_then_join_waits_for_clean_exits() {
    let _clean = testkit::process_scope();
    let statuses = within(
        DEADLINE,
        "close + join",
        "a worker never saw end-of-file",
        || {
            let mut pool = pool(3);
            // SAFETY: tasks of this file (see the note above `pool`).
            unsafe { pool.map(square, &[1, 2, 3]) }.unwrap();
            pool.close();
            assert!(
                // SAFETY: tasks of this file (see the note above `pool`).
                unsafe { pool.map(square, &[1]) }.is_err(),
                "map on a closed pool must fail, not hang"
            );
            pool.join().unwrap()
        },
    );
    assert_eq!(statuses, vec![ExitStatus::Exited(0); 3]);
}

#[test]
fn join_before_close_is_an_error() {
    let _clean = testkit::process_scope();
    let mut pool = pool(1);
    assert!(
        pool.join().is_err(),
        "join must refuse while the pool is open"
    );
}

#[test]
fn terminate_stops_every_worker_with_sigterm() {
    let _clean = testkit::process_scope();
    let statuses = within(DEADLINE, "terminate", "a worker survived SIGTERM", || {
        pool(3).terminate().unwrap()
    });
    assert_eq!(statuses, vec![ExitStatus::Signaled(15); 3]);
}

// ---------------------------------------------------------------------------
// A worker holds its own two pipe ends and nothing else of the parent's.

/// The descriptors above 2 that process `pid` holds, each with what it names
/// (`pipe:[1234]`, a path, ...), in descriptor order.
fn descriptors_above_2(pid: i32) -> Vec<(RawFd, String)> {
    let dir = format!("/proc/{pid}/fd");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {dir}: {e}"));
    let mut fds: Vec<(RawFd, String)> = entries
        .map(|entry| {
            let entry = entry.unwrap_or_else(|e| panic!("cannot read {dir}: {e}"));
            let name = entry.file_name().to_string_lossy().into_owned();
            let fd: RawFd = name.parse().unwrap_or_else(|_| panic!("{dir}/{name}?"));
            let target = std::fs::read_link(entry.path()).map_or_else(
                |e| format!("(unreadable: {e})"),
                |target| target.display().to_string(),
            );
            (fd, target)
        })
        .filter(|(fd, _)| *fd > 2)
        .collect();
    fds.sort();
    fds
}

#[test]
fn a_worker_holds_only_its_own_pipes() {
    let _clean = testkit::process_scope();
    // A pipe of the test's own, open while the pool forks: no worker has any
    // business holding it.
    let (stray_reader, stray_writer) = io::pipe().unwrap();
    let stray = std::fs::read_link(format!("/proc/self/fd/{}", stray_writer.as_raw_fd()))
        .unwrap()
        .display()
        .to_string();
    let held = within(DEADLINE, "map(square) on a fresh pool", HANG, || {
        let mut pool = pool(2);
        // One chunk per worker: once both results are in, both workers have
        // started their loop, so whatever they close at the start is closed.
        // SAFETY: tasks of this file (see the note above `pool`).
        unsafe { pool.map(square, &[1, 2]) }.expect("map failed");
        let held: Vec<(i32, Vec<(RawFd, String)>)> = pool
            .pids()
            .into_iter()
            .map(|pid| (pid, descriptors_above_2(pid)))
            .collect();
        drop(pool);
        held
    });
    drop((stray_reader, stray_writer));
    for (pid, fds) in held {
        let pipes = fds
            .iter()
            .filter(|(_, what)| what.starts_with("pipe:"))
            .count();
        assert!(
            fds.len() == 2 && pipes == 2 && !fds.iter().any(|(_, what)| *what == stray),
            "worker {pid} should hold two descriptors besides 0, 1 and 2, the read end of its \
             task pipe and the write end of its result pipe; it holds {fds:?} (the test's own \
             pipe is {stray}). A worker forked with `Process::start` inherits every descriptor \
             of the parent: other workers' pipes, another pool's, anything the program has \
             open. Fork it with `Process::start_keeping_fds` and keep only its own two ends"
        );
    }
}

#[test]
fn two_pools_alive_at_once_close_and_join_without_hanging() {
    let _clean = testkit::process_scope();
    let statuses = within(
        DEADLINE,
        "close + join of the first of two pools",
        "deadlock: the first pool's workers never saw end-of-file on their task pipes after \
         close(). The second pool's workers, forked later, inherited the first pool's write \
         ends and keep them open: a worker must close every descriptor but its own \
         (`Process::start_keeping_fds`)",
        || {
            let mut first = pool(2);
            let mut second = pool(2);
            // SAFETY: tasks of this file (see the note above `pool`).
            unsafe { first.map(square, &[1, 2, 3]) }.expect("map on the first pool");
            // SAFETY: tasks of this file (see the note above `pool`).
            unsafe { second.map(square, &[4, 5, 6]) }.expect("map on the second pool");
            first.close();
            let statuses = first.join().expect("join the first pool");
            drop(second);
            statuses
        },
    );
    assert_eq!(
        statuses,
        vec![ExitStatus::Exited(0); 2],
        "each worker of the first pool sees its task pipe close and exits normally"
    );
}

/// A child of the test process that has nothing to do with the pool: it waits
/// for a signal. Forked with chapter 3's `Process::start`, it inherits every
/// descriptor open at that moment, the pool's ends of its task pipes too.
fn bystander() -> Process {
    // SAFETY: the child only calls `pause(2)`, async-signal-safe, until the
    // test kills it.
    unsafe {
        Process::start(|| {
            loop {
                nix::unistd::pause();
            }
        })
    }
    .expect("could not start the bystander child")
}

/// Issue 20, defect 2: `join` must not wait for end-of-file on the task pipes,
/// which any child forked later (by this program, a library, another thread)
/// holds open.
#[test]
fn join_ends_while_a_bystander_child_holds_the_task_pipes() {
    let _clean = testkit::process_scope();
    let (statuses, mut bystanders) = within(
        DEADLINE,
        "close + join with a bystander child alive",
        "deadlock: join waited for workers that never stopped. A child started after the \
         pool (by this program or a library) inherits the pool's write ends of the task \
         pipes, so closing the parent's copy is no end-of-file: tell each worker to stop \
         with a message of its own",
        || {
            let before = bystander();
            let mut pool = pool(2);
            let during = bystander();
            // SAFETY: tasks of this file (see the note above `pool`).
            unsafe { pool.map(square, &[1, 2, 3]) }.expect("map failed");
            let after_map = bystander();
            pool.close();
            (
                pool.join().expect("join failed"),
                [before, during, after_map],
            )
        },
    );
    for child in &mut bystanders {
        child.kill().unwrap();
        child.join().unwrap();
    }
    assert_eq!(
        statuses,
        vec![ExitStatus::Exited(0); 2],
        "each worker stops at the pool's request and exits normally"
    );
}

// ---------------------------------------------------------------------------
// imap: in order, as results arrive. The workers keep two pipes of the
// test's (`new_keeping_fds`): a gate that holds one chosen item back until
// the test opens it, and a report pipe on which each task says it is done.

static GATE: AtomicI32 = AtomicI32::new(-1);
static REPORT: AtomicI32 = AtomicI32::new(-1);
static HELD_BACK: AtomicI32 = AtomicI32::new(-1);

fn fd(slot: &AtomicI32) -> BorrowedFd<'static> {
    // SAFETY: the test that sets the slot keeps the pipe open until every
    // worker has exited.
    unsafe { BorrowedFd::borrow_raw(slot.load(Ordering::SeqCst) as RawFd) }
}

/// Squares; the held-back item first waits for a byte on the gate. Every
/// item then writes its value on the report pipe (one byte, one write).
fn gated_square(x: u64) -> u64 {
    if x as i32 == HELD_BACK.load(Ordering::SeqCst) {
        let mut byte = [0u8];
        while nix::unistd::read(fd(&GATE), &mut byte) != Ok(1) {}
    }
    let _ = nix::unistd::write(fd(&REPORT), &[x as u8]);
    x * x
}

struct Pipes {
    gate: io::PipeWriter,
    reports: io::PipeReader,
    _ends: (io::PipeReader, io::PipeWriter),
}

/// Makes the two pipes and a pool whose workers keep them.
fn gated_pool(held_back: u64) -> (ProcessPool, Pipes) {
    let (gate_r, gate_w) = io::pipe().unwrap();
    let (report_r, report_w) = io::pipe().unwrap();
    GATE.store(gate_r.as_raw_fd(), Ordering::SeqCst);
    REPORT.store(report_w.as_raw_fd(), Ordering::SeqCst);
    HELD_BACK.store(held_back as i32, Ordering::SeqCst);
    let pool = pool_keeping(2, &[gate_r.as_raw_fd(), report_w.as_raw_fd()]);
    let pipes = Pipes {
        gate: gate_w,
        reports: report_r,
        _ends: (gate_r, report_w),
    };
    (pool, pipes)
}

fn next_report(pipes: &mut Pipes) -> u8 {
    let mut byte = [0u8];
    pipes.reports.read_exact(&mut byte).unwrap();
    byte[0]
}

#[test]
fn imap_yields_in_input_order_when_workers_finish_out_of_order() {
    let _clean = testkit::process_scope();
    within(
        DEADLINE,
        "imap with item 0 held back",
        "deadlock: item 1 never finished while item 0 was held back (are both workers \
         given a chunk at once?), or imap never yielded after the gate opened",
        || {
            let (mut pool, mut pipes) = gated_pool(0);
            let items = [0, 1, 2, 3];
            // SAFETY: tasks of this file (see the note above `pool`).
            let mut results = unsafe { pool.imap(gated_square, &items, 1) }.unwrap();
            // Item 1 finishes while item 0 waits at the gate...
            assert_eq!(next_report(&mut pipes), 1, "item 1 should finish first");
            pipes.gate.write_all(b"go").unwrap();
            // ... yet the results come out in input order.
            let first = results.next().expect("a first result").unwrap();
            assert_eq!(first, 0, "imap must yield item 0's result first");
            let rest: Vec<u64> = results.map(Result::unwrap).collect();
            assert_eq!(rest, vec![1, 4, 9]);
            drop(pool);
        },
    );
}

#[test]
fn imap_yields_each_result_as_soon_as_the_ones_before_it_are_in() {
    let _clean = testkit::process_scope();
    within(
        DEADLINE,
        "imap with item 3 held back",
        "imap waited for every result before yielding the first: it must yield \
         result i as soon as results 0..=i have arrived",
        || {
            let (mut pool, mut pipes) = gated_pool(3);
            let items = [0, 1, 2, 3];
            // SAFETY: tasks of this file (see the note above `pool`).
            let mut results = unsafe { pool.imap(gated_square, &items, 1) }.unwrap();
            // Item 3 is still at the gate: these three cannot wait for it.
            for expected in [0, 1, 4] {
                assert_eq!(results.next().unwrap().unwrap(), expected);
            }
            pipes.gate.write_all(b"go").unwrap();
            assert_eq!(results.next().unwrap().unwrap(), 9);
            assert!(results.next().is_none(), "four items, four results");
            let mut reports: Vec<u8> = (0..4).map(|_| next_report(&mut pipes)).collect();
            assert_eq!(reports.pop(), Some(3), "item 3 was held back until the end");
            drop(results);
            drop(pool);
        },
    );
}

#[test]
fn a_dropped_imap_does_not_leak_results_into_the_next_map() {
    let _clean = testkit::process_scope();
    let (first, again) = within(DEADLINE, "imap dropped early, then map", HANG, || {
        let mut pool = pool(3);
        let items: Vec<u64> = (0..30).collect();
        // SAFETY: tasks of this file (see the note above `pool`).
        let first: Vec<u64> = unsafe { pool.imap(square, &items, 1) }
            .unwrap()
            .take(2)
            .map(Result::unwrap)
            .collect();
        // SAFETY: tasks of this file (see the note above `pool`).
        let again = unsafe { pool.map(square, &[100, 200, 300]) }.unwrap();
        (first, again)
    });
    assert_eq!(first, vec![0, 1]);
    assert_eq!(
        again,
        vec![10_000, 40_000, 90_000],
        "results of the dropped imap leaked into the next map"
    );
}

// ---------------------------------------------------------------------------
// Defects of issue 9: a bad reply from a live worker, serde errors, and
// drops that must not wait for a task that never ends.

/// The descriptors the test process had before the pool forked its workers:
/// a task running in a worker skips them when it looks for its result pipe.
static INHERITED: [AtomicBool; 1024] = [const { AtomicBool::new(false) }; 1024];

/// The status flags of descriptor `fd` (`O_WRONLY`, ...), `None` if it is
/// not open. Takes any number, open or not, unlike a `BorrowedFd`.
fn status_flags(fd: RawFd) -> Option<libc::c_int> {
    // SAFETY: F_GETFL only reads the flags of the descriptor numbered `fd`;
    // for a number that is not open, fcntl fails with EBADF and touches
    // nothing.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    (flags >= 0).then_some(flags)
}

fn is_pipe(fd: RawFd) -> bool {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `stat.as_mut_ptr()` points to room for one `libc::stat`, which
    // is all fstat writes; a number that is not open gives EBADF.
    if unsafe { libc::fstat(fd, stat.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: fstat returned 0, so it filled the whole struct.
    let stat = unsafe { stat.assume_init() };
    stat.st_mode & libc::S_IFMT == libc::S_IFIFO
}

fn remember_inherited_fds() {
    for (fd, slot) in INHERITED.iter().enumerate() {
        slot.store(status_flags(fd as RawFd).is_some(), Ordering::SeqCst);
    }
}

/// The worker's end of its result pipe: the one write-only pipe it holds
/// that the test process did not have. Found with `fcntl` and `fstat`, which
/// neither allocate nor lock.
fn result_pipe_of_this_worker() -> Option<RawFd> {
    (3..INHERITED.len() as RawFd).find(|&fd| {
        !INHERITED[fd as usize].load(Ordering::SeqCst)
            && status_flags(fd).is_some_and(|f| f & libc::O_ACCMODE == libc::O_WRONLY)
            && is_pipe(fd)
    })
}

/// Squares, but on 7 first writes a frame whose payload is not a reply (the
/// chunk number would need more bytes than the frame has) into its own
/// result pipe, in one write, then carries on as if nothing happened: the
/// worker stays alive, waiting for its next chunk.
fn garble_on_seven(x: u64) -> u64 {
    if x == 7 {
        let fd = result_pipe_of_this_worker().expect("the worker has a result pipe");
        // SAFETY: `fd` was just found open in this process, and nothing closes
        // it while this borrow lives (the worker loop is waiting for us).
        let pipe = unsafe { BorrowedFd::borrow_raw(fd) };
        let frame = [0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        let _ = nix::unistd::write(pipe, &frame);
    }
    x * x
}

#[test]
fn a_reply_that_does_not_decode_kills_the_live_worker_instead_of_joining_it_for_ever() {
    let _clean = testkit::process_scope();
    remember_inherited_fds();
    let (text, before, after) = within(
        DEADLINE,
        "map with a worker that sends garbage and stays alive",
        "the pool took bad data for a death and waited for a worker that is alive: \
         tell end-of-file from bad data, and kill a worker before you join it",
        || {
            let mut pool = pool(2);
            let before = pool.pids();
            let items: Vec<u64> = (0..20).collect();
            // SAFETY: tasks of this file (see the note above `pool`).
            let outcome = unsafe { pool.imap(garble_on_seven, &items, 3) }
                .unwrap()
                .collect::<Result<Vec<_>, _>>();
            let error = outcome.expect_err("map succeeded although a reply was garbage");
            let after = pool.pids();
            // SAFETY: tasks of this file (see the note above `pool`).
            let again = unsafe { pool.map(square, &items) }
                .expect("the pool is unusable after a bad reply");
            assert_eq!(again, items.iter().map(|x| x * x).collect::<Vec<_>>());
            (error.to_string(), before, after)
        },
    );
    assert!(
        text.contains("does not decode") && text.contains("chunk 2"),
        "the error should say that worker's reply for chunk 2 does not decode, got {text:?}"
    );
    let culprit = before
        .iter()
        .find(|pid| text.contains(&pid.to_string()))
        .unwrap_or_else(|| panic!("{text:?} names none of the workers {before:?}"));
    assert!(
        !after.contains(culprit),
        "the worker that sent garbage ({culprit}) must be replaced, got {after:?}"
    );
    assert_eq!(after.len(), 2, "the pool must keep its worker count");
}

/// A set of numbers that serializes only its odd members, through an
/// iterator whose length serde cannot know in advance. postcard writes the
/// length first, so it refuses: a type that cannot make the trip.
#[derive(Debug, Deserialize)]
struct Odds(Vec<u64>);

impl Serialize for Odds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().filter(|x| *x % 2 == 1))
    }
}

fn odds_up_to(x: u64) -> Odds {
    Odds((0..x).collect())
}

fn count_odds(odds: Odds) -> usize {
    odds.0.len()
}

#[test]
fn a_serialization_error_is_reported_as_such_not_as_a_panic() {
    let _clean = testkit::process_scope();
    let (in_worker, in_parent, workers_kept) =
        within(DEADLINE, "map with types serde refuses", HANG, || {
            let mut pool = pool(2);
            let before = pool.pids();
            // SAFETY: tasks of this file (see the note above `pool`).
            let in_worker = unsafe { pool.map(odds_up_to, &[1, 2, 3]) }
                .expect_err("the results cannot be encoded");
            let inputs = [Odds(vec![1, 2])];
            // SAFETY: tasks of this file (see the note above `pool`).
            let in_parent =
                unsafe { pool.map(count_odds, &inputs) }.expect_err("the items cannot be encoded");
            let kept = pool.pids() == before;
            (in_worker.to_string(), in_parent.to_string(), kept)
        });
    for (text, place) in [(&in_worker, "worker"), (&in_parent, "the parent")] {
        assert!(
            text.contains("serialization failed") && text.contains(place),
            "a type that serde cannot encode is a serialization error in {place}, not a panic \
             or a pipe error, got {text:?}"
        );
        assert!(!text.contains("panicked"), "nothing panicked, got {text:?}");
    }
    assert!(workers_kept, "a serde error must not cost a worker");
}

/// Squares, except 1, which never ends (it waits for a signal that never
/// comes).
fn never_ends_on_one(x: u64) -> u64 {
    if x == 1 {
        loop {
            nix::unistd::pause();
        }
    }
    x * x
}

#[test]
fn dropping_an_imap_does_not_wait_for_a_task_that_never_ends() {
    let _clean = testkit::process_scope();
    let (first, again) = within(
        DEADLINE,
        "imap dropped while a task never ends, then map, then drop(pool)",
        "dropping the Imap (or the pool) waited for a chunk that never ends: a drop must \
         not wait for a task; leave the reply for later, or kill the worker",
        || {
            let mut pool = pool(2);
            // SAFETY: tasks of this file (see the note above `pool`).
            let mut results = unsafe { pool.imap(never_ends_on_one, &[0, 1], 1) }.unwrap();
            let first = results
                .next()
                .expect("a first result")
                .expect("item 0 squares");
            drop(results);
            // SAFETY: tasks of this file (see the note above `pool`).
            let again =
                unsafe { pool.map(square, &[2, 3, 4]) }.expect("map after the dropped imap");
            drop(pool);
            (first, again)
        },
    );
    assert_eq!(first, 0);
    assert_eq!(
        again,
        vec![4, 9, 16],
        "the next map got someone else's results"
    );
}

#[test]
fn dropping_a_pool_whose_task_never_ends_does_not_hang() {
    let _clean = testkit::process_scope();
    within(
        DEADLINE,
        "drop(pool) while a worker runs a task that never ends",
        "the pool's drop waited for a worker that will never finish: terminate the \
         workers as Python's `with Pool()` does, do not just close and join",
        || {
            let mut pool = pool(1);
            // SAFETY: tasks of this file (see the note above `pool`).
            let results = unsafe { pool.imap(never_ends_on_one, &[1], 1) }.unwrap();
            // The Imap is never dropped: only the pool's own drop can help.
            std::mem::forget(results);
            drop(pool);
        },
    );
}
