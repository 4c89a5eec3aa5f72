//! The hygiene checks must catch what they claim to catch: a test that
//! cannot fail is worse than none.

use std::process::{Command, Stdio};

#[test]
fn a_clean_test_passes() {
    let _clean = testkit::process_scope();
    let status = Command::new("true").status().expect("run true");
    assert!(status.success());
}

#[test]
#[should_panic(expected = "still running: nobody joined or killed it")]
fn a_running_child_fails_the_test() {
    let _clean = testkit::process_scope();
    let child = Command::new("sleep")
        .arg("1000")
        .stdin(Stdio::null())
        .spawn()
        .expect("run sleep");
    std::mem::forget(child);
}

#[test]
#[should_panic(expected = "a zombie: it exited but nobody waited for it")]
fn a_zombie_fails_the_test() {
    let _clean = testkit::process_scope();
    let child = Command::new("true").spawn().expect("run true");
    // Wait for it to exit without reaping it: WNOWAIT leaves the zombie.
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::wait::waitid(
        nix::sys::wait::Id::Pid(pid),
        nix::sys::wait::WaitPidFlag::WEXITED | nix::sys::wait::WaitPidFlag::WNOWAIT,
    )
    .expect("waitid");
    std::mem::forget(child);
}

#[test]
#[should_panic(expected = "child pid")]
fn an_orphaned_grandchild_fails_the_test() {
    let _clean = testkit::process_scope();
    // The shell starts a grandchild in a new session and exits at once; the
    // grandchild is re-parented to us (the subreaper) and must be found.
    let status = Command::new("sh")
        .args(["-c", "setsid sleep 1000 </dev/null >/dev/null 2>&1 &"])
        .status()
        .expect("run sh");
    assert!(status.success());
}

#[test]
#[should_panic(expected = "open descriptor")]
fn a_leaked_pipe_fails_the_test() {
    let _clean = testkit::process_scope();
    let (reader, writer) = std::io::pipe().expect("pipe");
    std::mem::forget(reader);
    std::mem::forget(writer);
}

#[test]
#[should_panic(expected = "closed a descriptor it did not own")]
fn a_descriptor_closed_by_the_test_fails_it() {
    // Open when the checked part begins, closed in it: someone else's.
    let mut clean = testkit::process_scope();
    let (reader, writer) = std::io::pipe().expect("pipe");
    clean.reset_baseline();
    drop(reader);
    drop(writer);
}
