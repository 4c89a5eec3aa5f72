//! When a test of processes hangs, what its child processes and its own
//! threads are doing, so that the failure message can name the mistake
//! (a child blocked writing into a full pipe, workers still reading after
//! the last item, a zombie nobody joined) instead of saying "timed out".
//! And deadlines that shorten once one has passed, so that a wrong solution
//! that hangs every test of a binary still fails it within seconds.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use nix::libc;

use crate::proc::Task;

/// What a child process (or a thread) is doing right now, from its `stat`
/// and `syscall` files in `/proc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    /// It has exited and nobody has waited for it yet (a zombie).
    Exited,
    /// Blocked reading: in a queue's `recv`, waiting for an item or the end.
    Reading,
    /// Blocked writing: into a full pipe that nobody reads.
    Writing,
    /// Waiting for a lock (a queue's read lock, while another child reads).
    Locking,
    /// Anything else (running, or in another system call).
    Other,
}

/// A child of this test process and what it is doing.
#[derive(Debug, Clone, Copy)]
pub struct Child {
    pub pid: i32,
    pub doing: Doing,
}

/// The children of this process, each with what it is doing.
pub fn children() -> Vec<Child> {
    let me = std::process::id() as i32;
    crate::proc::children_of(me)
        .unwrap_or_default()
        .into_iter()
        .map(|(pid, stat)| Child {
            pid,
            doing: if stat.state == 'Z' {
                Doing::Exited
            } else {
                doing(&Task::process(pid))
            },
        })
        .collect()
}

/// Whether some thread of this process is blocked in `write` right now.
pub fn a_thread_of_ours_is_writing() -> bool {
    crate::proc::thread_ids()
        .unwrap_or_default()
        .into_iter()
        .any(|tid| doing(&Task::thread(tid)) == Doing::Writing)
}

/// CPU ticks (user + system) used so far by each thread of this process and
/// by each child.
fn cpu_ticks() -> Vec<(Task, u64)> {
    let mut tasks: Vec<Task> = crate::proc::thread_ids()
        .unwrap_or_default()
        .into_iter()
        .map(Task::thread)
        .collect();
    tasks.extend(children().iter().map(|c| Task::process(c.pid)));
    tasks
        .into_iter()
        .filter_map(|task| {
            let ticks = task.stat()?.cpu_ticks;
            Some((task, ticks))
        })
        .collect()
}

/// Whether a thread of this process, or a child, is burning CPU right now:
/// at least 30 ms of CPU in a 200 ms window. A thread blocked in a system
/// call uses none.
pub fn something_of_ours_is_spinning() -> bool {
    let before = cpu_ticks();
    thread::sleep(Duration::from_millis(200));
    let after = cpu_ticks();
    after.iter().any(|(path, ticks)| {
        before
            .iter()
            .find(|(p, _)| p == path)
            .is_some_and(|(_, earlier)| ticks.saturating_sub(*earlier) >= 3)
    })
}

fn doing(task: &Task) -> Doing {
    match task.syscall() {
        Some(n) if n == libc::SYS_read || n == libc::SYS_readv => Doing::Reading,
        Some(n) if n == libc::SYS_write || n == libc::SYS_writev => Doing::Writing,
        Some(n) if n == libc::SYS_flock || n == libc::SYS_fcntl => Doing::Locking,
        _ => Doing::Other,
    }
}

/// How many of `children` are doing `what`.
pub fn count(children: &[Child], what: Doing) -> usize {
    children.iter().filter(|c| c.doing == what).count()
}

/// Set once a deadline has passed in this test binary.
static SOMETHING_HUNG: AtomicBool = AtomicBool::new(false);

/// The message of the first test of this binary that hung.
static FIRST_HANG: Mutex<Option<String>> = Mutex::new(None);

/// Fails the test with `message`, the diagnosis of a hang, and remembers it
/// as the first if it is: later hangs repeat it (see [`finish_or_snapshot`]).
pub fn hung(message: impl Into<String>) -> ! {
    let message = message.into();
    let mut first = FIRST_HANG.lock().unwrap_or_else(|e| e.into_inner());
    first.get_or_insert_with(|| message.clone());
    drop(first);
    panic!("{message}")
}

/// After one deadline has passed, the others are this short: the tests that
/// fork run one at a time, and a wrong solution that hangs every one of them
/// must still fail the whole binary within seconds. A correct solution never
/// reaches a deadline, so this never shortens a wait it needs.
const AFTER_A_HANG: Duration = Duration::from_millis(100);

/// How long a step that should take milliseconds may take before a test
/// calls it stuck: long enough for a machine shared by many programs, short
/// enough that a wrong solution fails its whole test binary within 10 s.
pub const STUCK: Duration = Duration::from_secs(4);

/// Runs `work` on its own thread. Returns its result, or, if it has not
/// finished after `deadline` (shortened once another test of the binary has
/// hung), what every child is doing at that moment. A panic inside `work` is
/// raised again here, with its own message.
pub fn finish_or_snapshot<T, F>(deadline: Duration, work: F) -> Result<T, Vec<Child>>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let deadline = if SOMETHING_HUNG.load(Ordering::Relaxed) {
        deadline.min(AFTER_A_HANG)
    } else {
        deadline
    };
    match crate::finish_within("the exercise, under a deadline".into(), deadline, work) {
        Some(value) => Ok(value),
        None => {
            if SOMETHING_HUNG.swap(true, Ordering::Relaxed) {
                // Not the first: its diagnosis (taken after a full wait) is
                // the one to read; this shortened wait proves less.
                let first = (0..100)
                    .find_map(|_| {
                        let first = FIRST_HANG.lock().unwrap_or_else(|e| e.into_inner()).clone();
                        if first.is_none() {
                            thread::sleep(Duration::from_millis(10));
                        }
                        first
                    })
                    .unwrap_or_else(|| "(its message is not known yet)".into());
                panic!("this test hung as well, after another one had: {first}");
            }
            Err(children())
        }
    }
}

/// Fails if any child of this process is left, zombie or running: `what`
/// should have joined every child before returning.
pub fn assert_every_child_joined(what: &str) {
    let left = children();
    if left.is_empty() {
        return;
    }
    let zombies = count(&left, Doing::Exited);
    panic!(
        "{what} returned without joining every worker: {zombies} zombie(s), {} still running. \
         Join every child before returning: joining is what reaps it",
        left.len() - zombies
    );
}

/// Like [`crate::within`], with the shortening deadline of
/// [`finish_or_snapshot`]: runs `work`, or panics with `"{what} did not
/// finish within {deadline:?}: {likely_cause}"`.
pub fn within<T, F>(deadline: Duration, what: &str, likely_cause: &str, work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match finish_or_snapshot(deadline, work) {
        Ok(value) => value,
        Err(_) => hung(format!("{what} did not finish in time: {likely_cause}")),
    }
}
