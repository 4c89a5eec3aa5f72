//! The confined side of a sandboxed run: what happens between the grader's
//! `spawn` and the student's (or cargo's) `exec`.
//!
//! The grader starts `course grade --jail <spec>` with `unshare` of the mount,
//! network, IPC, UTS and PID namespaces done before `exec` (see
//! `Sandbox::command`). That helper process is in the new mount, network and
//! IPC namespaces but not yet in the new PID namespace: its first child is. So:
//!
//! 1. The helper forks **init**, PID 1 of the new PID namespace, and waits
//!    for it. Both die with SIGKILL when their parent dies
//!    (`PR_SET_PDEATHSIG`), and when init dies the kernel kills everything
//!    else in its PID namespace: killing the helper ends the whole run.
//! 2. Init builds the view: a fresh tmpfs as the root, with read-only bind
//!    mounts of the system folders and the toolchain, the binds and overlays
//!    of the spec, size-limited tmpfs on `/tmp` and `/dev/shm`, a few device
//!    nodes, and a `/proc` of the new PID namespace; it brings the loopback
//!    interface up and `pivot_root`s into the view, detaching the old root.
//! 3. Init forks the **program**, which drops to the run's uid and gid (no
//!    supplementary groups, `no_new_privs`), takes its rlimits, starts a
//!    session, and execs.
//! 4. Init reaps whatever is re-parented to it until the program ends, then
//!    lists what is still there (processes that outlived the program), kills
//!    them all, and writes a [`JailReport`] to a file the grader reads.
//!
//! Every step after the helper's `exec` runs in a process that was
//! single-threaded when it forked, so it may allocate freely.

use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::symlink;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sys::prctl;
use nix::sys::resource::{Resource, setrlimit};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pivot_root};
use serde::{Deserialize, Serialize};

use super::procfs::{self, ProcessInfo};

/// What a mount of the view is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Mount {
    /// The host folder or file `from`, at `to` in the view.
    Bind {
        from: PathBuf,
        to: PathBuf,
        writable: bool,
    },
    /// An overlay at `to`: `lower` folders (top first) under a writable
    /// `upper` (with its `work` folder), or read-only without one.
    Overlay {
        lower: Vec<PathBuf>,
        upper: Option<(PathBuf, PathBuf)>,
        to: PathBuf,
    },
    /// A symbolic link at `to` (for /bin -> usr/bin and the like).
    Symlink { target: PathBuf, to: PathBuf },
}

impl Mount {
    /// A bind of the host's `from` at `to` in the view.
    pub fn bind(from: impl Into<PathBuf>, to: impl Into<PathBuf>, writable: bool) -> Mount {
        Mount::Bind {
            from: from.into(),
            to: to.into(),
            writable,
        }
    }
}

/// A resource limit of the program, by name (nix's `Resource` has no serde).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Limit {
    Cpu,
    AddressSpace,
    Processes,
    FileSize,
    OpenFiles,
    Core,
}

impl Limit {
    pub fn resource(self) -> Resource {
        match self {
            Limit::Cpu => Resource::RLIMIT_CPU,
            Limit::AddressSpace => Resource::RLIMIT_AS,
            Limit::Processes => Resource::RLIMIT_NPROC,
            Limit::FileSize => Resource::RLIMIT_FSIZE,
            Limit::OpenFiles => Resource::RLIMIT_NOFILE,
            Limit::Core => Resource::RLIMIT_CORE,
        }
    }
}

/// Everything the helper needs: the view, the user, the program.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JailSpec {
    /// An empty, root-only host folder where the view is assembled.
    pub root: PathBuf,
    /// The host file init writes its [`JailReport`] to.
    pub report: PathBuf,
    pub uid: u32,
    pub mounts: Vec<Mount>,
    /// Writable folders of `uid` in the view, each a small tmpfs (CARGO_HOME).
    pub owned_dirs: Vec<PathBuf>,
    /// Size of each of the tmpfs on /tmp and /dev/shm.
    pub tmp_bytes: u64,
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
    pub limits: Vec<(Limit, u64, u64)>,
    /// The `cgroup.procs` files of the control groups the whole run goes
    /// into (its memory ceiling, [`super::cgroup`]); empty where there are
    /// none.
    #[serde(default)]
    pub groups: Vec<PathBuf>,
}

/// What init tells the grader.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JailReport {
    /// Why the view could not be built (then nothing ran).
    pub setup_error: Option<String>,
    /// The program's exit code, or the signal that killed it.
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// What outlived the program inside the namespace (killed since), with
    /// the pids and parents that namespace gave them.
    pub leftovers: Vec<ProcessInfo>,
}

impl JailReport {
    /// The report of a run whose view or program could not be set up.
    fn failed(why: String) -> JailReport {
        JailReport {
            setup_error: Some(why),
            ..JailReport::default()
        }
    }

    /// Init's report of the last run, if it wrote one.
    pub fn read(path: &Path) -> Option<JailReport> {
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
    }
}

/// The system folders every view gets read-only (links are copied as links).
const SYSTEM: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
];
/// The files of /etc a compiler and a test program may need; nothing else of
/// /etc is visible.
const ETC: &[&str] = &[
    "/etc/alternatives",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/localtime",
];
const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom"];

/// The entry point of `course grade --jail <spec>`: never returns.
pub fn helper_main(spec_json: &str) -> ! {
    let spec: JailSpec = match serde_json::from_str(spec_json) {
        Ok(spec) => spec,
        Err(error) => {
            eprintln!("grade --jail: unreadable spec: {error}");
            std::process::exit(120)
        }
    };
    // Into the run's control groups first: init and everything it starts
    // are forked after, so they are all counted against the ceiling.
    for procs in &spec.groups {
        if let Err(error) = std::fs::write(procs, "0") {
            let why = format!("cannot join {}: {error}", procs.display());
            write_report(&spec.report, &JailReport::failed(why));
            std::process::exit(122)
        }
    }
    // SAFETY: this process was just exec'd and runs no thread of its own, so
    // the child may do anything a normal process does.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let _ = prctl::set_pdeathsig(Signal::SIGKILL);
            let code = init(&spec);
            std::process::exit(code)
        }
        Ok(ForkResult::Parent { child }) => {
            let code = match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, code)) => code,
                _ => 121,
            };
            std::process::exit(code)
        }
        Err(error) => {
            let why = format!("cannot fork init: {error}");
            write_report(&spec.report, &JailReport::failed(why));
            std::process::exit(122)
        }
    }
}

/// PID 1: builds the view, runs the program, reports, kills what is left.
fn init(spec: &JailSpec) -> i32 {
    let report_file = match File::create(&spec.report) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("grade --jail: cannot create the report: {error}");
            return 123;
        }
    };
    if let Err(error) = build_view(spec) {
        finish(report_file, &JailReport::failed(format!("{error:#}")));
        return 1;
    }
    // SAFETY: init is single-threaded (a fork of the single-threaded helper).
    let program = match unsafe { fork() } {
        Ok(ForkResult::Child) => run_program(spec),
        Ok(ForkResult::Parent { child }) => child,
        Err(error) => {
            let why = format!("cannot fork the program: {error}");
            finish(report_file, &JailReport::failed(why));
            return 1;
        }
    };
    let mut report = JailReport::default();
    loop {
        match waitpid(None, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Exited(pid, code)) if pid == program => {
                report.code = Some(code);
                break;
            }
            Ok(WaitStatus::Signaled(pid, signal, _)) if pid == program => {
                report.signal = Some(signal as i32);
                break;
            }
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => break,
        }
    }
    report.leftovers = procfs::all_processes();
    report.leftovers.retain(|p| p.pid != 1);
    // Everything in the namespace but init itself.
    let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
    // Reap them all; only ECHILD (nobody left) ends this.
    while let Ok(_) | Err(nix::errno::Errno::EINTR) = waitpid(None, Some(WaitPidFlag::__WALL)) {}
    finish(report_file, &report);
    0
}

fn finish(mut file: File, report: &JailReport) {
    let text = serde_json::to_string(report).unwrap_or_default();
    let _ = file.write_all(text.as_bytes());
}

fn write_report(path: &Path, report: &JailReport) {
    if let Ok(file) = File::create(path) {
        finish(file, report);
    }
}

/// The program's side of the last fork: drop to the uid, take the limits,
/// exec. Only returns by exiting.
fn run_program(spec: &JailSpec) -> ! {
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&spec.cwd)
        // std also drops the supplementary groups when root sets a uid.
        .uid(spec.uid)
        .gid(spec.uid);
    let limits: Vec<_> = (spec.limits.iter())
        .map(|&(limit, soft, hard)| (limit.resource(), soft, hard))
        .collect();
    // SAFETY: the closure runs between fork and exec and only makes system
    // calls (setsid, setrlimit, prctl) on data built before the fork.
    unsafe {
        command.pre_exec(move || {
            own_session_with(&limits)?;
            // No setuid binary can give the program its privileges back.
            Ok(prctl::set_no_new_privs()?)
        });
    }
    let error = command.exec();
    eprintln!(
        "grade sandbox: cannot start {} in {}: {error}",
        spec.program.display(),
        spec.cwd.display()
    );
    std::process::exit(127)
}

/// Starts a session of its own and takes `limits`: the last steps of every
/// sandboxed program (confined or not) before its exec. Only system calls,
/// no allocation: it may run between fork and exec.
pub fn own_session_with(limits: &[(Resource, u64, u64)]) -> std::io::Result<()> {
    nix::unistd::setsid()?;
    for &(resource, soft, hard) in limits {
        setrlimit(resource, soft, hard)?;
    }
    Ok(())
}

/// The path `inside` of the view, under the host folder `root`.
fn under(root: &Path, inside: &Path) -> PathBuf {
    root.join(inside.strip_prefix("/").unwrap_or(inside))
}

/// `mount(2)` with no source or type: the flag changes (remounts, making
/// mounts private).
fn remount(at: impl AsRef<Path>, flags: MsFlags) -> nix::Result<()> {
    let none: Option<&str> = None;
    mount(none, at.as_ref(), none, flags, none)
}

/// A fresh file system of `kind` (tmpfs, proc) on the folder `at`, created if
/// missing; never set-uid programs or device nodes from it.
fn mount_fs(kind: &str, at: &Path, extra: MsFlags, options: &str) -> Result<()> {
    std::fs::create_dir_all(at)?;
    let flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | extra;
    mount(Some(kind), at, Some(kind), flags, Some(options))
        .with_context(|| format!("cannot mount a {kind} on {} ({options})", at.display()))
}

fn build_view(spec: &JailSpec) -> Result<()> {
    // Nothing mounted here propagates back to the host.
    remount("/", MsFlags::MS_REC | MsFlags::MS_PRIVATE)
        .context("cannot make the mounts private (mount namespace)")?;
    let root = &spec.root;
    let tmpfs = |inside: &str, options: &str| {
        mount_fs(
            "tmpfs",
            &under(root, Path::new(inside)),
            MsFlags::empty(),
            options,
        )
    };
    tmpfs("/", "size=16m,mode=0755")?;
    for path in SYSTEM.iter().chain(ETC).map(Path::new) {
        let item = match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => Mount::Symlink {
                target: std::fs::read_link(path)?,
                to: path.to_path_buf(),
            },
            Ok(_) => Mount::bind(path, path, false),
            Err(_) => continue,
        };
        apply(root, &item)?;
    }
    // The uid's own writable folders (small tmpfs), before the spec's
    // mounts, which may go inside them.
    for dir in &spec.owned_dirs {
        let options = format!("size=64m,mode=0700,uid={0},gid={0}", spec.uid);
        mount_fs("tmpfs", &under(root, dir), MsFlags::empty(), &options)?;
    }
    for item in &spec.mounts {
        apply(root, item)?;
    }
    let size = spec.tmp_bytes.max(1 << 20);
    tmpfs("/tmp", &format!("size={size},mode=1777"))?;
    tmpfs("/dev", "size=64k,mode=0755")?;
    for device in DEVICES {
        let from = Path::new("/dev").join(device);
        apply(root, &Mount::bind(&from, &from, true))?;
    }
    for (link, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        symlink(target, under(root, &Path::new("/dev").join(link)))?;
    }
    tmpfs("/dev/shm", &format!("size={size},mode=1777"))?;
    mount_fs(
        "proc",
        &under(root, Path::new("/proc")),
        MsFlags::MS_NOEXEC,
        "",
    )
    .context("cannot mount /proc of the new PID namespace")?;
    loopback_up().context("cannot bring the loopback interface up (network namespace)")?;
    // The view becomes `/`; the old root is detached and gone from sight.
    std::env::set_current_dir(root)?;
    pivot_root(".", ".").context("pivot_root into the view failed")?;
    umount2(".", MntFlags::MNT_DETACH).context("cannot detach the old root")?;
    std::env::set_current_dir("/")?;
    // The root tmpfs itself read-only: only the writable mounts take writes.
    remount(
        "/",
        MsFlags::MS_REMOUNT | MsFlags::MS_BIND | MsFlags::MS_RDONLY,
    )
    .context("cannot make the view's root read-only")?;
    Ok(())
}

fn apply(root: &Path, item: &Mount) -> Result<()> {
    let (Mount::Symlink { to, .. } | Mount::Bind { to, .. } | Mount::Overlay { to, .. }) = item;
    let at = under(root, to);
    if let Some(parent) = at.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match item {
        Mount::Symlink { target, .. } => symlink(target, &at)?,
        Mount::Bind { from, writable, .. } => {
            // A bind needs something of the same kind to cover.
            if from.is_dir() {
                std::fs::create_dir_all(&at)?;
            } else {
                File::create(&at)?;
            }
            mount(
                Some(from),
                &at,
                None::<&str>,
                MsFlags::MS_BIND | MsFlags::MS_REC,
                None::<&str>,
            )
            .with_context(|| format!("cannot bind {} on {}", from.display(), to.display()))?;
            if !writable {
                let flags = MsFlags::MS_REMOUNT
                    | MsFlags::MS_BIND
                    | MsFlags::MS_RDONLY
                    | MsFlags::MS_NOSUID
                    | MsFlags::MS_NODEV;
                remount(&at, flags)
                    .with_context(|| format!("cannot make {} read-only", to.display()))?;
            }
        }
        Mount::Overlay { lower, upper, .. } => {
            let lower: Vec<String> = lower.iter().map(|p| p.display().to_string()).collect();
            let mut options = format!("lowerdir={}", lower.join(":"));
            let mut flags = MsFlags::empty();
            match upper {
                Some((upper, work)) => options.push_str(&format!(
                    ",upperdir={},workdir={}",
                    upper.display(),
                    work.display()
                )),
                None => flags = MsFlags::MS_RDONLY,
            }
            mount_fs("overlay", &at, flags, &options)?;
        }
    }
    Ok(())
}

/// `ip link set lo up`, through the SIOCSIFFLAGS ioctl.
fn loopback_up() -> Result<()> {
    use nix::libc;
    // Any socket serves for the interface ioctls.
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").context("socket")?;
    let fd = socket.as_raw_fd();
    // SAFETY: ifreq is plain old data, for which all-zero bytes are valid.
    let mut request: libc::ifreq = unsafe { std::mem::zeroed() };
    for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
        *slot = *byte as libc::c_char;
    }
    // SAFETY: `request` is a valid, writable ifreq naming "lo", and `fd` is
    // the open socket above; SIOCGIFFLAGS fills ifru_flags.
    let mut result = unsafe { libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request) };
    if result == 0 {
        // SAFETY: SIOCGIFFLAGS just set the union's flags member.
        unsafe { request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short };
        // SAFETY: as above; SIOCSIFFLAGS reads the flags.
        result = unsafe { libc::ioctl(fd, libc::SIOCSIFFLAGS, &request) };
    }
    ensure!(
        result == 0,
        "ioctl on lo: {}",
        std::io::Error::last_os_error()
    );
    Ok(())
}
