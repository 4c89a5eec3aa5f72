//! The signal adversary itself: a read that retries after EINTR passes, one
//! that returns the error is caught, in a thread of this process and in a
//! forked child.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};
use testkit::signals::{SIGNAL, Target, install_noop_handler, interrupt_each_wait, interrupted};
use testkit::{DEADLINE, process_scope};

fn pipe() -> (File, File) {
    let (read, write) = nix::unistd::pipe().expect("pipe");
    (File::from(read), File::from(write))
}

/// Reads one byte, calling `read` again whenever it fails with EINTR.
fn read_retrying(input: &mut File) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(_) => return Ok(byte[0]),
        }
    }
}

/// Reads one byte once: `File::read` does not retry after EINTR.
fn read_once(input: &mut File) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    match input.read(&mut byte)? {
        0 => Err(io::ErrorKind::UnexpectedEof.into()),
        _ => Ok(byte[0]),
    }
}

#[test]
fn a_read_that_retries_after_eintr_passes() {
    let _clean = process_scope();
    let (mut input, mut output) = pipe();
    let got = interrupted(
        3,
        move || read_retrying(&mut input),
        move || {
            output.write_all(b"x").unwrap();
        },
    );
    assert_eq!(
        got.expect("a retrying read survives the signals").unwrap(),
        b'x'
    );
}

#[test]
fn a_read_that_returns_the_eintr_error_is_caught() {
    let _clean = process_scope();
    let (mut input, output) = pipe();
    let got = interrupted(3, move || read_once(&mut input), move || drop(output));
    let why = got.expect_err("a read that gives up at EINTR must be caught");
    assert!(
        why.contains(&format!(
            "after {SIGNAL} number 1 of 3 interrupted its wait in read"
        )) && why.contains("call it again")
            && why.contains("Interrupted"),
        "{why}"
    );
}

#[test]
fn the_thread_is_interrupted_exactly_as_often_as_asked() {
    let _clean = process_scope();
    let (mut input, mut output) = pipe();
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        tid_tx.send(testkit::task::current_tid()).unwrap();
        let mut interruptions = 0;
        let mut byte = [0u8; 1];
        loop {
            match input.read(&mut byte) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => interruptions += 1,
                other => return (other.map(|_| byte[0]).ok(), interruptions),
            }
        }
    });
    let tid = tid_rx.recv().unwrap();
    let done = interrupt_each_wait(Target::thread(tid), 4, DEADLINE).expect("four interruptions");
    assert_eq!(done.times, 4);
    assert_eq!(done.calls, vec!["read"; 5]);
    output.write_all(b"y").unwrap();
    assert_eq!(reader.join().unwrap(), (Some(b'y'), 4));
}

/// Forks a child that installs the handler, then reads one byte from
/// `input` (retrying if `retry`), and exits 0 if it got it, 3 if it got
/// EINTR. Only async-signal-safe calls in the child: sigaction, read, _exit.
fn child_reading(input: OwnedFd, output: OwnedFd, retry: bool) -> nix::unistd::Pid {
    // SAFETY: the child only calls sigaction, close, read and _exit, which
    // are async-signal-safe, before it ends with _exit.
    match unsafe { fork() }.expect("fork") {
        ForkResult::Child => {
            drop(output);
            if install_noop_handler(SIGNAL).is_err() {
                // SAFETY: _exit ends the child without running the parent's
                // atexit handlers or destructors.
                unsafe { nix::libc::_exit(2) };
            }
            let mut byte = [0u8; 1];
            let code = loop {
                match nix::unistd::read(&input, &mut byte) {
                    Err(nix::errno::Errno::EINTR) if retry => continue,
                    Err(nix::errno::Errno::EINTR) => break 3,
                    Ok(1) => break 0,
                    _ => break 4,
                }
            };
            // SAFETY: as above.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(input);
            drop(output); // dropped by the caller's copy below
            child
        }
    }
}

fn run_child(retry: bool) -> (Result<testkit::signals::Interrupted, String>, WaitStatus) {
    let (input, output) = nix::unistd::pipe().expect("pipe");
    let writer = output.try_clone().unwrap();
    let child = child_reading(input, output, retry);
    let pid = child.as_raw() as u32;
    let outcome = interrupt_each_wait(Target::child(pid, pid), 3, DEADLINE);
    let _ = File::from(writer).write_all(b"z");
    (outcome, waitpid(child, None).expect("waitpid"))
}

#[test]
fn a_child_that_retries_passes_and_one_that_gives_up_is_caught() {
    let _clean = process_scope();
    let (outcome, status) = run_child(true);
    assert!(outcome.is_ok(), "{outcome:?}");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let (outcome, status) = run_child(false);
    let why = outcome.expect_err("a child that gives up at EINTR must be caught");
    assert!(why.contains("number 1 of 3"), "{why}");
    assert!(matches!(status, WaitStatus::Exited(_, 3)), "{status:?}");
}
