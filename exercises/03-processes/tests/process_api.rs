//! The `Process` handle: start, join, is_alive, terminate, kill, and the exit
//! status in Rust's terms and in Python's.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::time::Duration;

use processes::demos::api::{start_sleeper, stop_a_sleeper, zombie_until_joined};
use processes::demos::process::{ExitStatus, Process, child_println};
use testkit::{DEADLINE, within};

mod support {
    pub mod seccomp;
}

/// How long a step that takes milliseconds may take before the test calls
/// it stuck.
const PATIENCE: Duration = Duration::from_secs(5);

/// Counts the allocations made by each thread (and by a forked child, whose
/// only thread is a copy of the one that forked).
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every method hands the request to the system allocator unchanged;
// counting in a const-initialised thread-local with no destructor neither
// allocates nor unwinds.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's layout is passed on as it came.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from `alloc` above, that is from System.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// Reads `reader` to its end on a thread of its own, with a deadline.
fn read_all(mut reader: io::PipeReader, what: &str, cause: &str) -> Vec<u8> {
    within(PATIENCE, what, cause, move || {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).expect("read failed");
        bytes
    })
}

#[test]
fn the_childs_return_value_is_its_exit_code() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only returns 42.
    let mut child = unsafe { Process::start(|| 42) }.expect("fork failed");
    assert_ne!(
        child.pid(),
        std::process::id() as i32,
        "the child has a pid of its own"
    );
    let status = within(
        DEADLINE,
        "joining a child that returns 42",
        "join never returned: is waitpid called on the right pid?",
        move || child.join().expect("join failed"),
    );
    assert_eq!(status, ExitStatus::Exited(42));
    assert!(!status.success());
    assert_eq!(status.python_exitcode(), 42);
}

#[test]
fn join_twice_returns_the_same_status() {
    let _clean = testkit::process_scope();
    // SAFETY: the child only returns 0.
    let mut child = unsafe { Process::start(|| 0) }.expect("fork failed");
    let first = child.join().expect("first join failed");
    let second = child
        .join()
        .expect("a second join must not fail: the status is cached");
    assert_eq!(first, ExitStatus::Exited(0));
    assert_eq!(second, first);
    assert!(first.success());
    assert_eq!(child.exit_status(), Some(first));
}

#[test]
fn terminate_gives_sigterm_and_python_minus_15() {
    let _clean = testkit::process_scope();
    let status = within(
        DEADLINE,
        "terminating a sleeper",
        "the sleeper survived SIGTERM, or join waited on the wrong pid",
        || stop_a_sleeper(true).expect("fork or wait failed"),
    );
    assert_eq!(
        status,
        ExitStatus::Signaled(15),
        "expected death by SIGTERM (15), got {status}"
    );
    assert_eq!(status.python_exitcode(), -15);
}

#[test]
fn kill_gives_sigkill_and_python_minus_9() {
    let _clean = testkit::process_scope();
    let status = within(
        DEADLINE,
        "killing a sleeper",
        "the sleeper survived SIGKILL?",
        || stop_a_sleeper(false).expect("fork or wait failed"),
    );
    assert_eq!(
        status,
        ExitStatus::Signaled(9),
        "expected death by SIGKILL (9), got {status}"
    );
    assert_eq!(status.python_exitcode(), -9);
    assert_eq!(status.to_string(), "killed by signal 9 (SIGKILL)");
}

#[test]
fn is_alive_until_killed_and_signals_after_join_do_nothing() {
    let _clean = testkit::process_scope();
    let mut child = start_sleeper().expect("fork failed");
    assert!(
        child.is_alive(),
        "a sleeper that nobody signalled reported it was not alive"
    );
    assert_eq!(
        child.exit_status(),
        None,
        "no status before the child has ended"
    );
    child.kill().expect("kill failed");
    let status = child.join().expect("join failed");
    assert!(!child.is_alive());
    assert_eq!(status, ExitStatus::Signaled(9));
    // Reaped: its pid may belong to another process now. Signals must be a no-op.
    child
        .terminate()
        .expect("terminate after join must do nothing, not fail");
    child
        .kill()
        .expect("kill after join must do nothing, not fail");
}

#[test]
fn an_exited_child_is_a_zombie_until_joined() {
    let _clean = testkit::process_scope();
    let (before, after) = within(
        DEADLINE,
        "waiting for a child to exit",
        "the child never exited",
        || zombie_until_joined().expect("fork or wait failed"),
    );
    assert_eq!(
        before,
        Some('Z'),
        "an exited, unjoined child should be a zombie ('Z' in /proc/<pid>/stat)"
    );
    assert_eq!(
        after, None,
        "after join the child's /proc entry should be gone: it was reaped"
    );
}

#[test]
fn the_process_api_program_shows_code_and_signal() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("process_api"), &[], DEADLINE);
    assert!(run.status.success(), "process_api failed: {}", run.stderr);
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "expected three lines, got:\n{}", run.stdout);
    assert!(
        lines[0].contains("Exited(3)") && lines[0].ends_with("Python exitcode 3"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("Signaled(15)") && lines[1].ends_with("Python exitcode -15"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("Signaled(9)") && lines[2].ends_with("Python exitcode -9"),
        "{}",
        lines[2]
    );
}

#[test]
fn the_zombie_program_shows_z_then_nothing() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("zombie"), &[], DEADLINE);
    assert!(run.status.success(), "zombie failed: {}", run.stderr);
    assert_eq!(
        run.lines(),
        ["state before join: Some('Z')", "state after join:  None"]
    );
}

#[test]
fn child_closure_values_are_not_dropped_twice() {
    let _clean = testkit::process_scope();
    let (reader, writer) = io::pipe().expect("pipe failed");
    // A buffered writer with a line still in its buffer, moved into the child.
    let mut report = io::BufWriter::new(writer);
    report
        .write_all(b"written once\n")
        .expect("write to a buffer failed");
    // SAFETY: the child only returns 0; it does not touch `report`.
    let mut child = unsafe {
        Process::start(move || {
            let _keep = &report; // owned by the closure, as a real child's would be
            0
        })
    }
    .expect("fork failed");
    // `start` dropped the closure in the parent: its BufWriter flushed there.
    let status = child.join().expect("join failed");
    let got = read_all(
        reader,
        "reading what the BufWriter flushed",
        "the pipe never ended: a copy of its write end is still open",
    );
    assert_eq!(status, ExitStatus::Exited(0));
    assert_eq!(
        String::from_utf8_lossy(&got),
        "written once\n",
        "a value moved into the child's closure was dropped in both processes: \
         the BufWriter flushed its buffer twice. The child must leave without \
         dropping the closure (_exit); only the parent drops it"
    );
}

#[test]
fn two_pools_alive_do_not_hang_on_drop() {
    let _clean = testkit::process_scope();
    // Two "pools" of one worker each. A worker reads its task pipe until
    // end-of-file, then exits. Worker B is forked while the parent still
    // holds pool A's write end.
    let start_worker = |tasks: io::PipeReader| {
        let keep = [tasks.as_raw_fd()];
        // SAFETY: the worker only reads its pipe with read(2) and returns.
        unsafe {
            Process::start_keeping_fds(&keep, move || {
                let mut buf = [0u8; 64];
                loop {
                    match nix::unistd::read(&tasks, &mut buf) {
                        Ok(0) => return 0,
                        Ok(_) | Err(nix::errno::Errno::EINTR) => continue,
                        Err(_) => return 1,
                    }
                }
            })
        }
        .expect("fork failed")
    };
    let (tasks_a, to_a) = io::pipe().expect("pipe failed");
    let mut worker_a = start_worker(tasks_a);
    let (tasks_b, to_b) = io::pipe().expect("pipe failed");
    let mut worker_b = start_worker(tasks_b);
    // Drop pool A: close its write end, join its worker.
    drop(to_a);
    let status_a = within(
        PATIENCE,
        "joining pool A's worker after closing its task pipe",
        "dropping pool A hangs: pool B's worker inherited pool A's write end, so A's worker \
         never sees end-of-file. A child must close the descriptors it does not own \
         (Process::start_keeping_fds)",
        move || worker_a.join().expect("join failed"),
    );
    drop(to_b);
    let status_b = worker_b.join().expect("join failed");
    assert_eq!(
        (status_a, status_b),
        (ExitStatus::Exited(0), ExitStatus::Exited(0))
    );
}

/// What the grandchild of the seccomp test reports, as its exit code.
const STILL_OPEN: i32 = 3;
/// What the middle child reports when it could not install the filter.
const NO_FILTER: i32 = 90;

/// Whether descriptor `fd` is open in this process.
fn is_open(fd: std::os::fd::RawFd) -> bool {
    // SAFETY: F_GETFD on a bare number reads its flags, or fails with EBADF
    // if it is not open; async-signal-safe (fcntl is in signal-safety(7)).
    unsafe { nix::libc::fcntl(fd, nix::libc::F_GETFD) != -1 }
}

/// The middle child of the seccomp test: refuses close_range for itself
/// and its children, as a container's seccomp profile does (EPERM), starts
/// a grandchild with start_keeping_fds, and returns 0 if the grandchild did
/// not hold a pipe it was not given.
fn close_range_refused_middle_child() -> i32 {
    if support::seccomp::refuse_with_eperm(nix::libc::SYS_close_range).is_err() {
        return NO_FILTER;
    }
    let Ok((not_given, _its_writer)) = nix::unistd::pipe() else {
        return 91;
    };
    let fd = not_given.as_raw_fd();
    // SAFETY: the grandchild only calls fcntl(2) and returns.
    let grandchild = unsafe {
        Process::start_keeping_fds(&[], move || if is_open(fd) { STILL_OPEN } else { 0 })
    };
    match grandchild.and_then(|mut child| child.join()) {
        Ok(ExitStatus::Exited(code)) => code,
        _ => 92,
    }
}

#[test]
fn start_keeping_fds_closes_descriptors_where_close_range_is_refused() {
    let _clean = testkit::process_scope();
    // SAFETY: in the child, prctl, seccomp, pipe, fork, fcntl and waitpid
    // are system calls; the allocations (start_keeping_fds sorts its list)
    // are allowed in a forked child under glibc (see Process::start).
    let mut middle =
        unsafe { Process::start(close_range_refused_middle_child) }.expect("fork failed");
    let status = within(
        PATIENCE,
        "joining a child run under a seccomp filter that refuses close_range",
        "the child under the seccomp filter never ended: does start_keeping_fds hang \
         when close_range fails?",
        move || middle.join().expect("join failed"),
    );
    match status {
        ExitStatus::Exited(0) => {}
        ExitStatus::Exited(127) => panic!(
            "start_keeping_fds's child exited with 127 before running its body where a \
             seccomp filter refuses close_range with EPERM (Docker's default profile \
             does this on older Docker releases): fall back to closing the descriptors \
             one by one on EPERM as on ENOSYS"
        ),
        ExitStatus::Exited(STILL_OPEN) => panic!(
            "start_keeping_fds's child still held a pipe it was not given, where \
             close_range is refused: the fallback must close every descriptor not kept"
        ),
        ExitStatus::Exited(NO_FILTER) => panic!(
            "the test could not install its seccomp filter (prctl or seccomp failed): \
             it needs a kernel with CONFIG_SECCOMP_FILTER"
        ),
        other => panic!("the child under the seccomp filter {other} (expected exit code 0)"),
    }
}

#[test]
fn a_childs_panic_message_reaches_descriptor_2() {
    let _clean = testkit::process_scope();
    let (reader, writer) = io::pipe().expect("pipe failed");
    let answer = 42;
    // SAFETY: the child calls dup2(2), then panics: Process reports a
    // panic with one write(2), and nothing else here takes a lock.
    let mut child = unsafe {
        Process::start(move || {
            // Descriptor 2 becomes the pipe, so the test can read it.
            if nix::unistd::dup2_stderr(&writer).is_err() {
                return 127;
            }
            panic!("the answer was {answer}"); // a String built at run time
        })
    }
    .expect("fork failed");
    let status = child.join().expect("join failed");
    let got = read_all(
        reader,
        "reading the child's descriptor 2",
        "the pipe never ended: a copy of its write end is still open",
    );
    let got = String::from_utf8_lossy(&got);
    assert_eq!(status, ExitStatus::Exited(101), "a panic exits with 101");
    assert!(
        got.contains("the answer was 42") && got.contains("panicked at"),
        "the child's panic message never reached its descriptor 2 (it got {got:?}): \
         under cargo test it went into the output capture, which dies with the child. \
         Write it with one write(2) before _exit"
    );
}

#[test]
fn child_println_does_not_allocate() {
    let _clean = testkit::process_scope();
    let (reader, writer) = io::pipe().expect("pipe failed");
    let line = "a line printed by a child";
    // SAFETY: the child calls dup2(2), reads a thread-local counter and
    // prints with child_println, one write(2).
    let mut child = unsafe {
        Process::start(move || {
            if nix::unistd::dup2_stdout(&writer).is_err() {
                return 127;
            }
            let before = ALLOCATIONS.with(Cell::get);
            child_println(line);
            (ALLOCATIONS.with(Cell::get) - before).min(100) as i32
        })
    }
    .expect("fork failed");
    let status = child.join().expect("join failed");
    let got = read_all(
        reader,
        "reading the child's standard output",
        "the pipe never ended: a copy of its write end is still open",
    );
    assert_eq!(
        String::from_utf8_lossy(&got),
        format!("{line}\n"),
        "child_println writes the line and a newline"
    );
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "child_println allocated (the exit code is the number of allocations): \
         it must build the line in a buffer on the stack"
    );
}
