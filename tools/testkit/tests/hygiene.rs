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
    // Opened before the scope, closed inside it: someone else's descriptor.
    let (reader, writer) = std::io::pipe().expect("pipe");
    let _clean = testkit::process_scope();
    drop(reader);
    drop(writer);
}

#[test]
#[should_panic(expected = "the number was reused")]
fn a_descriptor_replaced_by_another_file_of_the_same_name_fails_the_test() {
    let dir = std::env::temp_dir().join(format!("testkit-same-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join("report.txt");
    let mut first = std::os::fd::OwnedFd::from(std::fs::File::create(&path).expect("create"));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _clean = testkit::process_scope();
        // Another file of the same name, at the same descriptor number: the
        // link text in /proc/self/fd is the same, the file is not.
        std::fs::remove_file(&path).expect("remove");
        let second = std::fs::File::create(&path).expect("create again");
        nix::unistd::dup2(&second, &mut first).expect("dup2");
    }));
    drop(first);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
