//! No zombie, no orphan, no leaked descriptor: the checks every test of the
//! process chapters runs.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
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
/// * no file descriptor that was not open when the scope began, and none of
///   those that were open then closed or pointing somewhere else: a
///   descriptor is compared by the (device, inode) of what it points to, not
///   by the text of its `/proc/self/fd` link.
///
/// It reads `/proc`; if `/proc` cannot be read, it fails the test at once
/// rather than check nothing.
///
/// Whatever it finds is killed and reaped first, then the test fails with a
/// report. If the test is already failing, it only cleans up.
///
/// The checks look at the whole test process, so in a test binary where one
/// test takes a scope, every test that starts a process or opens a descriptor
/// (a pipe, a socket, a file) must take one too; otherwise a test running at
/// the same time on another thread shows up as a leak.
pub struct ProcessScope {
    fds_before: BTreeMap<i32, OpenFile>,
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

impl ProcessScope {
    /// Takes the descriptors open now as the ones the test may leave open.
    /// For a test that opens descriptors on purpose, inside the scope (so
    /// that no other test sees them), before the part it checks.
    pub fn reset_baseline(&mut self) {
        self.fds_before = open_fds();
    }
}

impl Drop for ProcessScope {
    fn drop(&mut self) {
        let leftovers = kill_and_reap_children();
        let problems = if std::thread::panicking() {
            Vec::new() // only clean up; the test already fails for its own reason
        } else {
            fd_changes(&self.fds_before, &open_fds())
        };
        if std::thread::panicking() || (leftovers.is_empty() && problems.is_empty()) {
            return;
        }
        let mut report = String::from("the test left things behind:\n");
        for child in &leftovers {
            report.push_str(&format!("  - {child}\n"));
        }
        for problem in &problems {
            report.push_str(&format!("  - {problem}\n"));
        }
        report.push_str(
            "Every child must be joined (waited for) before the test ends, and every pipe end closed.",
        );
        panic!("{report}");
    }
}

/// What a descriptor points to: the (device, inode) pair that names a file,
/// pipe or socket, and the link text, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OpenFile {
    device: u64,
    inode: u64,
    target: String,
}

/// The differences between two listings of the open descriptors, in words.
fn fd_changes(before: &BTreeMap<i32, OpenFile>, after: &BTreeMap<i32, OpenFile>) -> Vec<String> {
    let mut problems = Vec::new();
    for (fd, now) in after {
        match before.get(fd) {
            None => problems.push(format!(
                "open descriptor fd {fd} -> {} (close it, or mark it close-on-exec and drop it)",
                now.target
            )),
            Some(then) if (then.device, then.inode) != (now.device, now.inode) => {
                problems.push(format!(
                    "descriptor fd {fd} pointed to {} (device {}, inode {}) when the test began \
                     and points to {} (device {}, inode {}) now: the test closed a descriptor \
                     it did not own, and the number was reused",
                    then.target, then.device, then.inode, now.target, now.device, now.inode
                ));
            }
            Some(_) => {}
        }
    }
    for (fd, then) in before {
        if !after.contains_key(fd) {
            problems.push(format!(
                "descriptor fd {fd} -> {} was open when the test began and is closed now: \
                 the test closed a descriptor it did not own (a double close?)",
                then.target
            ));
        }
    }
    problems
}

/// The descriptors open in this process, with what each points to. The
/// descriptor used to list the directory is left out.
fn open_fds() -> BTreeMap<i32, OpenFile> {
    open_fds_in(Path::new("/proc/self/fd"))
}

/// The descriptors listed in `dir` (a `/proc/<pid>/fd`). Panics if it
/// cannot be read: a check that silently sees nothing would pass every test.
fn open_fds_in(dir: &Path) -> BTreeMap<i32, OpenFile> {
    let listing = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "testkit: cannot read {} ({e}), so the descriptor checks cannot run. \
             Is /proc mounted?",
            dir.display()
        )
    });
    // The listing's own descriptor points to this directory: leave it out.
    let own = std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()));
    let mut fds = BTreeMap::new();
    for entry in listing {
        let entry = entry.unwrap_or_else(|e| panic!("testkit: reading {}: {e}", dir.display()));
        let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        // `metadata` follows the magic link to the open file itself: a pipe
        // or a socket has a (device, inode) like a file does.
        let (Ok(target), Ok(meta)) = (
            std::fs::read_link(entry.path()),
            std::fs::metadata(entry.path()),
        ) else {
            continue; // the listing's own descriptor, closed by now
        };
        if Some((meta.dev(), meta.ino())) == own {
            continue;
        }
        fds.insert(
            fd,
            OpenFile {
                device: meta.dev(),
                inode: meta.ino(),
                target: target.to_string_lossy().into_owned(),
            },
        );
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

/// The processes whose parent is `parent`, read from /proc. Panics if
/// /proc cannot be read.
fn children_of(parent: i32) -> Vec<Leftover> {
    let children = crate::proc::children_of(parent).unwrap_or_else(|e| {
        panic!(
            "testkit: cannot read /proc ({e}), so the child checks cannot run. Is /proc mounted?"
        )
    });
    children
        .into_iter()
        .map(|(pid, stat)| Leftover {
            pid,
            state: stat.state,
            command: stat.command,
        })
        .collect()
}

/// Which way a descriptor open on a pipe goes, from the access mode of its
/// flags (`O_RDONLY`, `O_WRONLY`, `O_RDWR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeMode {
    Read,
    Write,
    /// Both ways: a FIFO opened `O_RDWR`.
    ReadWrite,
}

/// A pipe end a process holds: its descriptor, the pipe (by inode, which
/// both ends share) and which way it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipeEnd {
    pub fd: i32,
    pub inode: u64,
    pub mode: PipeMode,
}

impl PipeEnd {
    /// Whether a process that holds this end can write into the pipe.
    pub fn writes(&self) -> bool {
        matches!(self.mode, PipeMode::Write | PipeMode::ReadWrite)
    }

    /// Whether a process that holds this end can read from the pipe.
    pub fn reads(&self) -> bool {
        matches!(self.mode, PipeMode::Read | PipeMode::ReadWrite)
    }
}

/// The inode of the pipe that `fd` (an end this process holds) is on: the
/// number [`pipe_ends`] gives for either end of that pipe in any process.
pub fn pipe_inode(fd: impl std::os::fd::AsFd) -> std::io::Result<u64> {
    let stat = nix::sys::stat::fstat(fd.as_fd())?;
    Ok(stat.st_ino)
}

/// The pipe ends (pipes and FIFOs) that process `pid` holds now, in order of
/// descriptor, read from `/proc/<pid>/fd` (what each descriptor points to)
/// and `/proc/<pid>/fdinfo` (its flags). So that a test can check that no
/// process holds an end it does not use: a child that keeps the write end
/// of its own input pipe never sees the end of that input.
///
/// `Err` if `/proc/<pid>/fd` cannot be read (the process ended, or is not
/// this user's); a descriptor closed while the list is read is left out.
pub fn pipe_ends(pid: u32) -> std::io::Result<Vec<PipeEnd>> {
    use std::os::unix::fs::FileTypeExt;
    let dir = Path::new("/proc").join(pid.to_string());
    let mut ends = Vec::new();
    for entry in std::fs::read_dir(dir.join("fd"))? {
        let entry = entry?;
        let Some(fd): Option<i32> = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue; // closed meanwhile (or the listing's own descriptor)
        };
        if !meta.file_type().is_fifo() {
            continue;
        }
        let Some(mode) = std::fs::read_to_string(dir.join("fdinfo").join(fd.to_string()))
            .ok()
            .and_then(|info| pipe_mode(&info))
        else {
            continue;
        };
        ends.push(PipeEnd {
            fd,
            inode: meta.ino(),
            mode,
        });
    }
    ends.sort_by_key(|end| end.fd);
    Ok(ends)
}

/// The access mode in the text of a `/proc/<pid>/fdinfo/<fd>` file, whose
/// `flags:` line holds the open flags in octal.
fn pipe_mode(fdinfo: &str) -> Option<PipeMode> {
    let flags = fdinfo
        .lines()
        .find_map(|line| line.strip_prefix("flags:"))?
        .trim();
    let flags = i32::from_str_radix(flags, 8).ok()?;
    match flags & nix::libc::O_ACCMODE {
        nix::libc::O_RDONLY => Some(PipeMode::Read),
        nix::libc::O_WRONLY => Some(PipeMode::Write),
        nix::libc::O_RDWR => Some(PipeMode::ReadWrite),
        _ => None,
    }
}

/// The descriptors by which process `pid` holds pipe `inode` open for
/// writing (empty if it holds no write end of it). For the assertion "the
/// child holds no write end of its own input pipe".
pub fn write_ends_of(pid: u32, inode: u64) -> std::io::Result<Vec<i32>> {
    Ok(pipe_ends(pid)?
        .into_iter()
        .filter(|end| end.inode == inode && end.writes())
        .map(|end| end.fd)
        .collect())
}

/// The descriptors by which process `pid` holds pipe `inode` open for
/// reading.
pub fn read_ends_of(pid: u32, inode: u64) -> std::io::Result<Vec<i32>> {
    Ok(pipe_ends(pid)?
        .into_iter()
        .filter(|end| end.inode == inode && end.reads())
        .map(|end| end.fd)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_fd_directory_fails_loudly() {
        let outcome = std::panic::catch_unwind(|| open_fds_in(Path::new("/nonexistent/fd")));
        let message = outcome.expect_err("reading a missing directory must fail the check");
        let text = message
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        assert!(
            text.contains("cannot read /nonexistent/fd"),
            "the failure must say what could not be read, got {text:?}"
        );
    }

    #[test]
    fn a_descriptor_is_compared_by_device_and_inode_not_by_name() {
        let file = |inode| OpenFile {
            device: 1,
            inode,
            target: "/tmp/report.txt".to_owned(),
        };
        let before = BTreeMap::from([(7, file(100))]);
        let after = BTreeMap::from([(7, file(200))]);
        let problems = fd_changes(&before, &after);
        assert_eq!(problems.len(), 1, "same name, other file: {problems:?}");
        assert!(problems[0].contains("inode 100") && problems[0].contains("inode 200"));
    }

    #[test]
    fn a_file_replaced_by_another_of_the_same_name_is_seen() {
        // No scope here (this process's unit tests open no other
        // descriptors): list, replace, list again, compare.
        let dir = std::env::temp_dir().join(format!("testkit-same-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("report.txt");
        let mut first = std::os::fd::OwnedFd::from(std::fs::File::create(&path).expect("create"));
        let before = open_fds();
        // Another file of the same name, at the same descriptor number: the
        // link text in /proc/self/fd is the same, the file is not.
        std::fs::remove_file(&path).expect("remove");
        let second = std::fs::File::create(&path).expect("create again");
        nix::unistd::dup2(&second, &mut first).expect("dup2");
        drop(second);
        let after = open_fds();
        drop(first);
        std::fs::remove_dir_all(&dir).expect("clean up");
        let problems = fd_changes(&before, &after);
        assert!(
            problems.iter().any(|p| p.contains("the number was reused")),
            "a descriptor now open on another file of the same name must be reported: \
             {problems:?}"
        );
    }

    #[test]
    fn the_access_mode_is_read_from_the_octal_flags() {
        let info = |flags: &str| format!("pos:\t0\nflags:\t{flags}\nmnt_id:\t15\nino:\t42\n");
        assert_eq!(pipe_mode(&info("0100000")), Some(PipeMode::Read));
        assert_eq!(pipe_mode(&info("02000001")), Some(PipeMode::Write));
        assert_eq!(pipe_mode(&info("0100002")), Some(PipeMode::ReadWrite));
        assert_eq!(pipe_mode("pos:\t0\n"), None);
    }

    #[test]
    fn a_descriptor_that_disappeared_is_reported() {
        let before = BTreeMap::from([(
            9,
            OpenFile {
                device: 1,
                inode: 5,
                target: "pipe:[5]".to_owned(),
            },
        )]);
        let problems = fd_changes(&before, &BTreeMap::new());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("closed now"), "{}", problems[0]);
    }
}
