//! No zombie, no orphan, no leaked descriptor: the checks every test of the
//! process chapters runs.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// Tests that fork or wait run one at a time within a test binary: a test
/// that reaps "any child" must not reap another test's child, and the checks
/// below look at the whole process.
static SERIAL: Mutex<()> = Mutex::new(());
static SUBREAPER: Once = Once::new();

/// Held for the length of a test that forks, spawns or waits. Create it first
/// thing in the test (`let _clean = testkit::process_scope();`); when it is
/// dropped at the end of the test it checks that the test left
///
/// * no child process, running or zombie: this process is made a *child
///   subreaper* (`prctl(PR_SET_CHILD_SUBREAPER)`), so a grandchild whose parent
///   died, an orphan, is re-parented to it and counts too, even after `setsid`
///   or a double fork;
/// * no file descriptor that was not open when the scope began.
///
/// Whatever it finds is killed and reaped first, then the test fails with a
/// report. If the test is already failing, it only cleans up.
///
/// The checks look at the whole test process, so in a test binary where one
/// test takes a scope, every test that starts a process or opens a descriptor
/// (a pipe, a socket, a file) must take one too; otherwise a test running at
/// the same time on another thread shows up as a leak.
pub struct ProcessScope {
    fds_before: BTreeMap<i32, String>,
    _serial: MutexGuard<'static, ()>,
}

/// Starts a [`ProcessScope`]. See there.
pub fn process_scope() -> ProcessScope {
    let serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    SUBREAPER.call_once(|| {
        nix::sys::prctl::set_child_subreaper(true)
            .expect("testkit: could not make the test process a child subreaper");
    });
    ProcessScope {
        fds_before: open_fds(),
        _serial: serial,
    }
}

impl Drop for ProcessScope {
    fn drop(&mut self) {
        let leftovers = kill_and_reap_children();
        let new_fds: Vec<String> = open_fds()
            .into_iter()
            .filter(|(fd, target)| self.fds_before.get(fd) != Some(target))
            .map(|(fd, target)| format!("fd {fd} -> {target}"))
            .collect();
        if std::thread::panicking() || (leftovers.is_empty() && new_fds.is_empty()) {
            return;
        }
        let mut report = String::from("the test left things behind:\n");
        for child in &leftovers {
            report.push_str(&format!("  - {child}\n"));
        }
        for fd in &new_fds {
            report.push_str(&format!(
                "  - open descriptor {fd} (close it, or mark it close-on-exec and drop it)\n"
            ));
        }
        report.push_str(
            "Every child must be joined (waited for) before the test ends, and every pipe end closed.",
        );
        panic!("{report}");
    }
}

/// The descriptors open in this process, with what each points to. The
/// descriptor used to list the directory is left out.
fn open_fds() -> BTreeMap<i32, String> {
    let mut fds = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return fds;
    };
    let listing = format!("/proc/{}/fd", std::process::id());
    for entry in dir.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue; // the listing's own descriptor, closed by now
        };
        let target = target.to_string_lossy().into_owned();
        if target != listing {
            fds.insert(fd, target);
        }
    }
    fds
}

/// A child of this process found by [`kill_and_reap_children`].
struct Leftover {
    pid: i32,
    state: char,
    command: String,
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.state == 'Z' {
            "a zombie: it exited but nobody waited for it"
        } else {
            "still running: nobody joined or killed it"
        };
        write!(f, "child pid {} ({}) was {what}", self.pid, self.command)
    }
}

/// Kills (SIGKILL) and reaps every child of this process, again and again
/// until none is left, since killing a child can orphan its own children to
/// us. Gives up after a few seconds rather than hang the test run.
fn kill_and_reap_children() -> Vec<Leftover> {
    let mut found = Vec::new();
    let give_up_at = Instant::now() + Duration::from_secs(10);
    loop {
        let children = children_of(std::process::id() as i32);
        if children.is_empty() || Instant::now() > give_up_at {
            return found;
        }
        for child in children {
            let pid = Pid::from_raw(child.pid);
            let _ = kill(pid, Signal::SIGKILL);
            // Blocking, but SIGKILL cannot be ignored; a zombie returns at once.
            let _ = waitpid(pid, Some(WaitPidFlag::__WALL));
            found.push(child);
        }
        // Reap anything that became a zombie in the meantime.
        while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG | WaitPidFlag::__WALL)) {
            if status == WaitStatus::StillAlive {
                break;
            }
        }
    }
}

/// The processes whose parent is `parent`, read from /proc.
fn children_of(parent: i32) -> Vec<Leftover> {
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children = Vec::new();
    for entry in proc_dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // it exited while we looked
        };
        // "pid (command) state ppid ...": the command may contain spaces and
        // parentheses, so split at the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let command = head.split_once('(').map(|(_, c)| c).unwrap_or("?");
        let mut fields = rest.split_whitespace();
        let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid = fields.next().and_then(|s| s.parse::<i32>().ok());
        if ppid == Some(parent) {
            children.push(Leftover {
                pid,
                state,
                command: command.to_string(),
            });
        }
    }
    children
}
