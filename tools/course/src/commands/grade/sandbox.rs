//! Running a student's test process so that it cannot take the grader down
//! with it, and so that nothing it started survives it.
//!
//! * Every run starts a new session (`setsid`), so it is its own process
//!   group, without a terminal.
//! * Resource limits, set in the child before `exec`: CPU time (RLIMIT_CPU),
//!   address space (RLIMIT_AS), processes and threads (RLIMIT_NPROC), file
//!   size (RLIMIT_FSIZE), no core dumps.
//! * The grader is a child subreaper (`PR_SET_CHILD_SUBREAPER`): whatever the
//!   test leaves, even after `setsid` or a double fork, is re-parented to the
//!   grader when its parent dies, so the grader can reap it.
//! * **As root**, the test runs as a dedicated uid and gid (61000 + slot):
//!   RLIMIT_NPROC is enforced for it (the kernel does not enforce it for root),
//!   and a helper process that becomes that uid and calls `kill(-1, SIGKILL)`
//!   kills every process of the run in one sweep, which a fork bomb cannot
//!   outrun (the kernel holds the task list while it signals).
//! * **Not root**, the test runs as the grader's own user: RLIMIT_NPROC then
//!   counts all of that user's processes, so the limit is set to what the user
//!   already runs plus the allowance, which is weaker; and the run is killed by
//!   process group plus a scan of the grader's descendants, repeated until
//!   none is left. Never `kill(-1)` as the grader's own user.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Gid, Pid, Uid, fork, getuid, setgid, setgroups, setuid};

use super::limits::Limits;
use super::model::SandboxInfo;
use super::procfs::{self, ProcessInfo};
use super::slot::{self, Slot};

/// What the command line asked for (`--isolation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IsolationChoice {
    /// A dedicated uid when the grader is root, else process groups.
    Auto,
    /// A dedicated uid per slot (root only).
    DedicatedUid,
    /// Process groups and a subreaper scan, as the grader's own user (the
    /// fallback; as root the process limit is then not enforced at all).
    ProcessGroup,
}

/// How the runs are isolated from the grader and from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// The grader is root: tests run as this uid (and gid).
    DedicatedUid(u32),
    /// The grader is not root: tests run as its user, in their own session.
    ProcessGroup,
}

/// The place where one grader runs tests: its slot, its limits, its
/// temporary folder.
#[derive(Debug)]
pub struct Sandbox {
    pub slot: Slot,
    pub isolation: Isolation,
    pub limits: Limits,
    /// HOME and TMPDIR of the test runs, emptied before each.
    pub tmp: PathBuf,
    pub process_limit_enforced: bool,
}

impl Sandbox {
    /// Takes a slot, makes this process a child subreaper, clears anything a
    /// crashed grader left under the slot's uid, and checks that the process
    /// limit is in force.
    pub fn new(limits: Limits, choice: IsolationChoice) -> Result<Sandbox> {
        nix::sys::prctl::set_child_subreaper(true)
            .context("cannot make the grader a child subreaper (prctl)")?;
        let slot = slot::acquire()?;
        let root = getuid().is_root();
        let isolation = match choice {
            IsolationChoice::Auto if root => Isolation::DedicatedUid(slot.uid()),
            IsolationChoice::DedicatedUid if root => Isolation::DedicatedUid(slot.uid()),
            IsolationChoice::DedicatedUid => {
                bail!(
                    "--isolation dedicated-uid needs root: only root can run tests as another uid"
                )
            }
            IsolationChoice::Auto | IsolationChoice::ProcessGroup => Isolation::ProcessGroup,
        };
        let tmp = slot::grader_tmp()?.join(format!("run-{}", slot.index));
        let mut sandbox = Sandbox {
            slot,
            isolation,
            limits,
            tmp,
            process_limit_enforced: false,
        };
        if let Isolation::DedicatedUid(uid) = isolation {
            sandbox.clear_leftovers_of(uid)?;
        }
        sandbox.process_limit_enforced = process_limit_enforced(isolation);
        Ok(sandbox)
    }

    pub fn info(&self) -> SandboxInfo {
        SandboxInfo {
            mode: match self.isolation {
                Isolation::DedicatedUid(_) => "dedicated-uid".into(),
                Isolation::ProcessGroup => "process-group".into(),
            },
            uid: self.uid(),
            slot: self.slot.index,
            process_limit_enforced: self.process_limit_enforced,
        }
    }

    /// The uid the tests run as.
    pub fn uid(&self) -> u32 {
        match self.isolation {
            Isolation::DedicatedUid(uid) => uid,
            Isolation::ProcessGroup => getuid().as_raw(),
        }
    }

    /// The RLIMIT_NPROC value for the next run (see the module doc).
    pub fn process_limit(&self) -> u64 {
        match self.isolation {
            Isolation::DedicatedUid(_) => self.limits.processes,
            Isolation::ProcessGroup => {
                let running = procfs::thread_count(&procfs::processes_of_uid(self.uid()));
                running + self.limits.processes
            }
        }
    }

    /// Empties the run's temporary folder and gives it to the test's user.
    pub fn prepare_tmp(&self) -> Result<()> {
        self.remove_tmp();
        std::fs::create_dir(&self.tmp)
            .with_context(|| format!("cannot create {}", self.tmp.display()))?;
        std::fs::set_permissions(&self.tmp, std::fs::Permissions::from_mode(0o700))?;
        if let Isolation::DedicatedUid(uid) = self.isolation {
            std::os::unix::fs::chown(&self.tmp, Some(uid), Some(uid))
                .with_context(|| format!("cannot give {} to uid {uid}", self.tmp.display()))?;
        }
        Ok(())
    }

    pub fn remove_tmp(&self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }

    /// A command for `program`, to run in `cwd` inside the sandbox: a clean
    /// environment, standard input closed, both outputs piped, the limits
    /// applied between fork and exec.
    pub fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(cwd)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &self.tmp)
            .env("TMPDIR", &self.tmp)
            .env("RUST_BACKTRACE", "0")
            // glibc reserves 64 MiB of address space per malloc arena (up to
            // eight per core): under RLIMIT_AS, a test with many threads would
            // run out of address space for thread stacks long before it used
            // the memory. Two arenas keep the limit about real memory.
            .env("MALLOC_ARENA_MAX", "2")
            .env("CARGO_MANIFEST_DIR", cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Isolation::DedicatedUid(uid) = self.isolation {
            // std drops the supplementary groups too (setgroups(0)) when
            // root sets a uid.
            command.uid(uid).gid(uid);
        }
        let limits = [
            capped(Resource::RLIMIT_CPU, self.limits.cpu_seconds, 1),
            capped(Resource::RLIMIT_AS, self.limits.memory_bytes, 0),
            capped(Resource::RLIMIT_NPROC, self.process_limit(), 0),
            capped(Resource::RLIMIT_FSIZE, self.limits.file_bytes, 0),
            (Resource::RLIMIT_CORE, 0, 0),
        ];
        // SAFETY: the closure runs between fork and exec; it only makes
        // system calls (setsid, setrlimit) and allocates nothing.
        unsafe {
            command.pre_exec(move || {
                nix::unistd::setsid().map_err(io::Error::from)?;
                for (resource, soft, hard) in limits {
                    setrlimit(resource, soft, hard).map_err(io::Error::from)?;
                }
                Ok(())
            });
        }
        command
    }

    /// Sends SIGKILL to every process of the run, without reaping any (the
    /// caller may still be waiting for the leader).
    pub fn kill_everything(&self, leader: Option<i32>) {
        match self.isolation {
            Isolation::DedicatedUid(uid) => kill_every_process_of(uid),
            Isolation::ProcessGroup => {
                if let Some(leader) = leader {
                    let _ = killpg(Pid::from_raw(leader), Signal::SIGKILL);
                }
                for process in procfs::descendants_of(std::process::id() as i32) {
                    let _ = kill(Pid::from_raw(process.pid), Signal::SIGKILL);
                }
            }
        }
    }

    /// The processes of the run that exist now (zombies included).
    pub fn members(&self) -> Vec<ProcessInfo> {
        match self.isolation {
            Isolation::DedicatedUid(uid) => procfs::processes_of_uid(uid),
            Isolation::ProcessGroup => procfs::descendants_of(std::process::id() as i32),
        }
    }

    /// Threads of the run now: what RLIMIT_NPROC counts (in process-group
    /// mode, only the run's own).
    pub fn task_count(&self) -> u64 {
        procfs::thread_count(&self.members())
    }

    /// Kills and reaps until no process of the run is left. Returns what was
    /// still there when it started. Call it only once the leader has been
    /// waited for: it reaps any child of the grader.
    pub fn clean_up(&self) -> Result<Vec<ProcessInfo>> {
        let found = self.members();
        let give_up_at = Instant::now() + Duration::from_secs(10);
        loop {
            let members = self.members();
            if members.is_empty() {
                return Ok(found);
            }
            if Instant::now() > give_up_at {
                let list: Vec<String> = members.iter().map(ToString::to_string).collect();
                bail!(
                    "could not kill every process of the test run within 10s: {}",
                    list.join("; ")
                );
            }
            self.kill_everything(None);
            reap_children();
            // Polling the kernel's process table, not synchronising threads.
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn clear_leftovers_of(&self, uid: u32) -> Result<()> {
        let give_up_at = Instant::now() + Duration::from_secs(10);
        while !procfs::processes_of_uid(uid).is_empty() {
            if Instant::now() > give_up_at {
                bail!("uid {uid} still has processes that cannot be killed; grading cannot start");
            }
            kill_every_process_of(uid);
            reap_children();
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }
}

/// `(resource, value, value + extra)`, lowered to the hard limit we have.
fn capped(resource: Resource, value: u64, extra: u64) -> (Resource, u64, u64) {
    let hard_now = getrlimit(resource)
        .map(|(_, hard)| hard)
        .unwrap_or(u64::MAX);
    let hard = value.saturating_add(extra).min(hard_now);
    (resource, value.min(hard), hard)
}

/// Reaps every child of the grader that has exited.
fn reap_children() {
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG | WaitPidFlag::__WALL)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
}

/// Forks a helper that becomes `uid` and sends SIGKILL to every process it
/// may signal (`kill(-1)`): exactly the processes of that uid. Only root may
/// call this.
fn kill_every_process_of(uid: u32) {
    // SAFETY: the child only makes system calls and leaves with _exit.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let code = if setuid(Uid::from_raw(uid)).is_ok() {
                let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
                0
            } else {
                1
            };
            exit_now(code)
        }
        Ok(ForkResult::Parent { child }) => {
            let _ = waitpid(child, Some(WaitPidFlag::__WALL));
        }
        Err(_) => {}
    }
}

/// Whether RLIMIT_NPROC stops a test's user from forking: a probe becomes
/// that user, allows itself one process, and tries to fork.
pub fn process_limit_enforced(isolation: Isolation) -> bool {
    // SAFETY: the children only make system calls and leave with _exit.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            if let Isolation::DedicatedUid(uid) = isolation
                && (setgroups(&[]).is_err()
                    || setgid(Gid::from_raw(uid)).is_err()
                    || setuid(Uid::from_raw(uid)).is_err())
            {
                exit_now(3);
            }
            if setrlimit(Resource::RLIMIT_NPROC, 1, 1).is_err() {
                exit_now(3);
            }
            match unsafe { fork() } {
                Ok(ForkResult::Child) => exit_now(0),
                Ok(ForkResult::Parent { child }) => {
                    let _ = waitpid(child, None);
                    exit_now(1)
                }
                Err(_) => exit_now(0),
            }
        }
        Ok(ForkResult::Parent { child }) => {
            matches!(waitpid(child, None), Ok(WaitStatus::Exited(_, 0)))
        }
        Err(_) => false,
    }
}

/// Leaves a forked child at once, without running exit handlers or flushing
/// buffers that belong to the parent.
fn exit_now(code: i32) -> ! {
    // SAFETY: _exit is async-signal-safe and takes no pointers.
    unsafe { nix::libc::_exit(code) }
}
