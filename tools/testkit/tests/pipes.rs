//! Which pipe ends a process holds: a child that kept the write end of its
//! own input pipe is seen, one that closed it is not.

use std::os::fd::AsRawFd;

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};
use testkit::task::until_child_waiting;
use testkit::{DEADLINE, PipeMode, pipe_ends, pipe_inode, process_scope, write_ends_of};

#[test]
fn this_process_holds_both_ends_of_a_new_pipe() {
    let _clean = process_scope();
    let (read, write) = nix::unistd::pipe().unwrap();
    let inode = pipe_inode(&read).unwrap();
    assert_eq!(pipe_inode(&write).unwrap(), inode);
    let ends: Vec<_> = pipe_ends(std::process::id())
        .unwrap()
        .into_iter()
        .filter(|end| end.inode == inode)
        .map(|end| (end.fd, end.mode))
        .collect();
    assert_eq!(
        ends,
        vec![
            (read.as_raw_fd(), PipeMode::Read),
            (write.as_raw_fd(), PipeMode::Write)
        ]
    );
}

/// Forks a child that closes the write end of its input if `close_it`,
/// then blocks reading it; returns the write ends of that pipe the child
/// held while it waited.
fn write_ends_held_by_child(close_it: bool) -> Vec<i32> {
    let (read, write) = nix::unistd::pipe().unwrap();
    let inode = pipe_inode(&read).unwrap();
    // SAFETY: the child only calls close, read and _exit, which are
    // async-signal-safe, and ends with _exit.
    match unsafe { fork() }.expect("fork") {
        ForkResult::Child => {
            let write = if close_it {
                drop(write);
                None
            } else {
                Some(write)
            };
            let mut byte = [0u8; 1];
            let _ = nix::unistd::read(&read, &mut byte);
            drop(write);
            // SAFETY: _exit ends the child without running the parent's
            // atexit handlers or destructors.
            unsafe { nix::libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            drop(read);
            let pid = child.as_raw() as u32;
            until_child_waiting(pid, pid, DEADLINE).expect("the child waits in read");
            let held = write_ends_of(pid, inode).unwrap();
            // A byte, not the end of the input: a child that kept the write
            // end would never see the end.
            nix::unistd::write(&write, b"x").unwrap();
            drop(write);
            assert!(matches!(waitpid(child, None), Ok(WaitStatus::Exited(_, 0))));
            held
        }
    }
}

#[test]
fn a_child_that_keeps_the_write_end_of_its_input_is_seen() {
    let _clean = process_scope();
    assert_eq!(write_ends_held_by_child(true), Vec::<i32>::new());
    assert_eq!(write_ends_held_by_child(false).len(), 1);
}
