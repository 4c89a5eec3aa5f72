//! End-of-file comes once every write end is closed; a leaked copy holds it
//! back. No sleeps: the tests ask the kernel (`poll` with a zero timeout)
//! whether a read would block, which is exact.

use std::io;
use std::sync::Arc;

use nix::poll::PollTimeout;
use pipes::demos::eof::{ReadEnd, drain_available, read_end_state, start_writer};
use pipes::demos::framing;
use processes::demos::process::{ExitStatus, Process};
use testkit::{DEADLINE, Rendezvous};

#[test]
fn the_reader_sees_end_of_file_once_the_only_writer_has_exited() {
    let _clean = testkit::process_scope();
    let (mut reader, writer) = io::pipe().unwrap();
    let mut child = start_writer(writer, 5).unwrap();
    let got = testkit::within(
        DEADLINE,
        "reading until end-of-file",
        "end-of-file never came: some copy of the write end is still open",
        move || {
            let mut got = Vec::new();
            while let Some(n) = framing::recv::<u32>(&mut reader).unwrap() {
                got.push(n);
            }
            got
        },
    );
    assert_eq!(got, vec![0, 1, 2, 3, 4]);
    assert_eq!(child.join().unwrap(), ExitStatus::Exited(0));
}

#[test]
fn a_copy_of_the_write_end_kept_by_the_parent_holds_back_end_of_file() {
    let _clean = testkit::process_scope();
    let (mut reader, writer) = io::pipe().unwrap();
    let leaked = writer.try_clone().unwrap();
    let mut child = start_writer(writer, 3).unwrap();
    assert_eq!(child.join().unwrap(), ExitStatus::Exited(0));

    // The writer has exited. Everything it wrote is in the pipe, and then...
    let (got, state) = drain_available(&mut reader).unwrap();
    assert_eq!(got, vec![0, 1, 2], "the child's three messages");
    assert_eq!(
        state,
        ReadEnd::WouldBlock,
        "with the test still holding a copy of the write end, a read must block, not see end-of-file"
    );

    // A reader thread blocks in recv; closing the leaked copy releases it.
    let about_to_read = Arc::new(Rendezvous::new(2));
    let meet = Arc::clone(&about_to_read);
    let waiting = std::thread::spawn(move || {
        meet.wait(DEADLINE)
            .expect("the test thread never met the reader");
        framing::recv::<u32>(&mut reader)
    });
    about_to_read
        .wait(DEADLINE)
        .expect("the reader thread never started");
    drop(leaked);
    let outcome = testkit::within(
        DEADLINE,
        "the blocked reader",
        "it never saw end-of-file after the last write end was closed",
        move || waiting.join().unwrap(),
    );
    assert!(
        matches!(outcome, Ok(None)),
        "expected end-of-file (Ok(None)) once the leaked copy was closed, got {outcome:?}"
    );
}

#[test]
fn a_child_that_inherits_the_write_end_holds_back_end_of_file_until_it_exits() {
    let _clean = testkit::process_scope();
    let (mut reader, writer) = io::pipe().unwrap();
    // Forked while `writer` is open here: it inherits a copy and sits on it.
    // SAFETY: the child only calls pause(2).
    let mut bystander = unsafe {
        Process::start(|| {
            nix::unistd::pause();
            0
        })
    }
    .unwrap();
    let mut child = start_writer(writer, 2).unwrap();
    assert_eq!(child.join().unwrap(), ExitStatus::Exited(0));

    let (got, state) = drain_available(&mut reader).unwrap();
    assert_eq!(got, vec![0, 1]);
    assert_eq!(
        state,
        ReadEnd::WouldBlock,
        "the bystander child still holds an inherited write end, so there must be no end-of-file yet"
    );

    bystander.kill().unwrap();
    bystander.join().unwrap();
    // The kernel closed the bystander's descriptors before it became a zombie.
    assert_eq!(
        read_end_state(&reader, PollTimeout::ZERO).unwrap(),
        ReadEnd::EndOfFile,
        "after the last holder of a write end exited, a read must see end-of-file"
    );
    assert!(framing::recv::<u32>(&mut reader).unwrap().is_none());
}

#[test]
fn the_eof_leak_program_shows_all_three_cases() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("eof_leak"), &[], DEADLINE);
    assert!(run.status.success(), "eof_leak failed: {run:?}");
    let lines: Vec<&str> = run.lines().iter().map(|l| l.trim()).collect();
    let expected = [
        "1. every write end closed",
        "received [0, 1, 2]",
        "end of file",
        "2. the parent keeps a copy of the write end",
        "received [0, 1, 2]",
        "no end of file after 1 s: a write end is still open",
        "closed our copy",
        "end of file",
        "3. a bystander child inherits the write end",
        "received [0, 1, 2]",
        "no end of file after 1 s: a write end is still open",
        "bystander killed by signal 15 (SIGTERM)",
        "end of file",
    ];
    assert_eq!(lines, expected, "the program's output:\n{}", run.stdout);
}
