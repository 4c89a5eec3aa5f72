//! Where a student's code runs: every build (cargo, rustc, anything that runs
//! at compile time) and every test.
//!
//! **Confined** (the grader is root and the kernel grants namespaces): each
//! run is a process tree of its own, started through [`super::jail`]: new
//! mount, network, IPC, UTS and PID namespaces, the slot's dedicated uid and
//! gid (61000 + slot) for cargo, rustc and the tests alike, rlimits, and a
//! private view of the files:
//!
//! | in the view        | what it is                                        | access     |
//! |--------------------|---------------------------------------------------|------------|
//! | `/usr`, `/lib*`, a few `/etc` files | the system's programs and libraries | read-only  |
//! | `/opt/rust`        | the teacher's toolchain (its sysroot)             | read-only  |
//! | `/opt/cargo`       | an empty CARGO_HOME (tmpfs), no configuration      | read-write |
//! | `/opt/cargo/registry` | the teacher's downloaded dependencies          | read-only  |
//! | `/course`          | the scratch workspace (teacher's files + the one student file) | read-only |
//! | `/target`          | build outputs, see below                          | depends    |
//! | `/tmp`, `/dev/shm` | private, size-limited tmpfs                        | read-write |
//! | `/proc`            | the run's own PID namespace                       |            |
//!
//! `/target` is the teacher's build (starter code) read-write while the
//! teacher's build runs, and for a student an overlay: the teacher's build
//! below, a fresh empty layer per exercise on top, writable while the student's
//! code builds and read-only while its tests run. Nothing a student's build or
//! test writes reaches the next exercise, the next submission or the teacher.
//!
//! **Unconfined** (`--unconfined`: not root, or namespaces refused): what the
//! grader did before confinement. Builds run as the grader's own user; tests
//! as the dedicated uid when root, else as the grader's user in a session of
//! their own, killed by process group and a subreaper scan. [`Sandbox::new`]
//! lists what is off.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use nix::sched::CloneFlags;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Gid, Pid, Uid, fork, getuid, setgid, setgroups, setuid};

use super::cgroup::MemoryGroup;
use super::jail::{JailReport, JailSpec, Limit, Mount, own_session_with};
use super::limits::Limits;
use super::model::SandboxInfo;
use super::procfs::{self, ProcessInfo};
use super::slot::{self, Slot};

/// How tests are kept apart from the grader when it runs unconfined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IsolationChoice {
    /// A dedicated uid when the grader is root, else process groups.
    Auto,
    /// A dedicated uid per slot (root only).
    DedicatedUid,
    /// Process groups and a subreaper scan, as the grader's own user.
    ProcessGroup,
}

/// How unconfined tests are isolated from the grader and from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// The grader is root: tests run as this uid (and gid).
    DedicatedUid(u32),
    /// Tests run as the grader's user, in their own session.
    ProcessGroup,
}

/// Confined or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Namespaces, a private view and the uid, for builds and tests.
    Confined(u32),
    Unconfined(Isolation),
}

/// Which part of grading a run is: it decides what `/target` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Building the teacher's starter code: the teacher's build, writable.
    TeacherBuild,
    /// Listing the tests of the teacher's build: read-only.
    TeacherRun,
    /// Building a student's file: a fresh writable layer over the teacher's.
    StudentBuild,
    /// Running a student's tests: that layer and the teacher's, read-only.
    StudentRun,
}

impl Stage {
    pub fn is_build(self) -> bool {
        matches!(self, Stage::TeacherBuild | Stage::StudentBuild)
    }
}

/// The teacher's toolchain and dependency registry, on the host.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// `rustc --print sysroot`: holds bin/cargo and bin/rustc.
    pub sysroot: PathBuf,
    pub cargo_home: PathBuf,
}

impl Toolchain {
    /// The toolchain the teacher's repository builds with (its
    /// rust-toolchain file, if any, is honoured by rustup here, outside).
    pub fn find(repo_root: &Path) -> Result<Toolchain> {
        let output = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .args(["--print", "sysroot"])
            .current_dir(repo_root)
            .stdin(Stdio::null())
            .output()
            .context("cannot run `rustc --print sysroot`: is Rust installed?")?;
        ensure!(
            output.status.success(),
            "`rustc --print sysroot` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        ensure!(
            sysroot.join("bin/cargo").is_file(),
            "the toolchain {} has no bin/cargo: install cargo in it",
            sysroot.display()
        );
        let cargo_home = match std::env::var_os("CARGO_HOME") {
            Some(home) => PathBuf::from(home),
            None => PathBuf::from(std::env::var_os("HOME").context("no HOME and no CARGO_HOME")?)
                .join(".cargo"),
        };
        Ok(Toolchain {
            sysroot,
            cargo_home,
        })
    }

    /// The toolchain's name (`stable-x86_64-unknown-linux-gnu`).
    pub fn name(&self) -> String {
        self.sysroot
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The slot's folders on the host, all under one root-only folder outside the
/// teacher's checkout.
#[derive(Debug, Clone)]
pub struct SlotDirs {
    pub base: PathBuf,
    /// The scratch workspace.
    pub work: PathBuf,
    /// The teacher's build (starter code).
    pub target: PathBuf,
    /// A student's layer over it, and overlayfs's work folder.
    pub upper: PathBuf,
    pub upper_work: PathBuf,
    /// Where a run's view is assembled (an empty folder on the host).
    pub view: PathBuf,
    /// Init's report of the last run.
    pub report: PathBuf,
    /// HOME and TMPDIR of unconfined test runs.
    pub tmp: PathBuf,
}

/// Where the views put things.
const VIEW_WORKSPACE: &str = "/course";
const VIEW_TARGET: &str = "/target";
const VIEW_RUST: &str = "/opt/rust";
const VIEW_CARGO_HOME: &str = "/opt/cargo";

/// The place where one grader runs builds and tests.
#[derive(Debug)]
pub struct Sandbox {
    pub slot: Slot,
    pub mode: Mode,
    pub limits: Limits,
    pub dirs: SlotDirs,
    pub toolchain: Toolchain,
    pub process_limit_enforced: bool,
    /// Whether each confined run gets a memory ceiling for all its
    /// processes together (a control group, [`super::cgroup`]).
    pub memory_ceiling: bool,
    /// The protections that are off (empty when confined on a machine with
    /// control groups).
    pub off: Vec<String>,
}

/// One thing to run in the sandbox.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub stage: Stage,
    /// `None`: cargo.
    pub program: Option<&'a Path>,
    pub args: &'a [&'a str],
    /// The crate folder, relative to the workspace (`exercises/01-threads`).
    pub crate_dir: &'a str,
    /// How long it may take.
    pub wall: Duration,
}

impl Sandbox {
    /// Takes a slot, prepares its folders, and checks that confinement works
    /// here; refuses to go on without it unless `unconfined`.
    pub fn new(
        repo_root: &Path,
        limits: Limits,
        unconfined: bool,
        isolation: IsolationChoice,
    ) -> Result<Sandbox> {
        nix::sys::prctl::set_child_subreaper(true)
            .context("cannot make the grader a child subreaper (prctl)")?;
        let root = getuid().is_root();
        let not_root =
            "the grader is not root: only root can give each run its own uid and namespaces";
        // Before anything else: a grader that is not root may be unable to
        // read the toolchain or the slot folders at all.
        ensure!(
            root || unconfined,
            "{}",
            refusal(not_root, &protections_off(Isolation::ProcessGroup))
        );
        let slot = slot::acquire()?;
        let toolchain = Toolchain::find(repo_root)?;
        let base = slot::private_dir(Path::new("/var/tmp"), "course-grade")?
            .join(format!("slot-{}", slot.index));
        let dirs = SlotDirs {
            work: base.join("work"),
            target: base.join("target"),
            upper: base.join("upper"),
            upper_work: base.join("upper-work"),
            view: base.join("view"),
            report: base.join("report.json"),
            tmp: base.join("tmp"),
            base,
        };
        std::fs::create_dir_all(&dirs.base)
            .with_context(|| format!("cannot create {}", dirs.base.display()))?;
        let mut sandbox = Sandbox {
            mode: Mode::Confined(slot.uid()),
            slot,
            limits,
            dirs,
            toolchain,
            process_limit_enforced: false,
            memory_ceiling: false,
            off: Vec::new(),
        };
        let refused = if unconfined && isolation != IsolationChoice::Auto {
            Some(format!(
                "--unconfined --isolation {isolation:?} was asked for"
            ))
        } else if root {
            let uid = sandbox.slot.uid();
            let left = kill_until_gone(
                || procfs::processes_of_uid(uid),
                || kill_every_process_of(uid),
            );
            ensure!(
                left.is_empty(),
                "uid {uid} still has processes that cannot be killed; grading cannot start"
            );
            sandbox.probe().err().map(|e| format!("{e:#}"))
        } else {
            Some(not_root.to_string())
        };
        if let Some(why) = refused {
            let isolation = match isolation {
                IsolationChoice::Auto | IsolationChoice::DedicatedUid if root => {
                    Isolation::DedicatedUid(sandbox.slot.uid())
                }
                IsolationChoice::DedicatedUid => bail!(
                    "--isolation dedicated-uid needs root: only root can run tests as another uid"
                ),
                _ => Isolation::ProcessGroup,
            };
            sandbox.mode = Mode::Unconfined(isolation);
            // Unconfined builds run as the grader's user: their outputs must
            // never become the bottom layer of a confined build.
            sandbox.dirs.target = sandbox.dirs.base.join("target-unconfined");
            sandbox.off = protections_off(isolation);
            ensure!(unconfined, "{}", refusal(&why, &sandbox.off));
            eprintln!(
                "WARNING: grading UNCONFINED ({why}); these protections are off:\n{}",
                bullets(&sandbox.off)
            );
        }
        sandbox.process_limit_enforced = process_limit_enforced(sandbox.isolation());
        if !sandbox.process_limit_enforced {
            let why = format!(
                "the process limit (RLIMIT_NPROC) is not in force for the tests' user (uid {}): \
                 a fork bomb could exhaust this machine",
                sandbox.uid()
            );
            ensure!(
                unconfined,
                "{why}; pass --unconfined if you trust the submissions."
            );
            sandbox.off.push(why);
        }
        if sandbox.confined() {
            match MemoryGroup::create(sandbox.limits.run_memory_bytes(false)) {
                Ok(_probe) => sandbox.memory_ceiling = true,
                Err(why) => {
                    let off = format!(
                        "memory ceiling per run ({why}): RLIMIT_AS bounds each process, so a \
                         test's processes together may use that much once per process"
                    );
                    eprintln!("WARNING: {off}");
                    sandbox.off.push(off);
                }
            }
        } else {
            // Unconfined tests of a dedicated uid read the build and the
            // workspace on the host: the folders must let them through.
            if let Some(parent) = sandbox.dirs.base.parent() {
                std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o711))?;
            }
            std::fs::set_permissions(&sandbox.dirs.base, std::fs::Permissions::from_mode(0o755))?;
        }
        Ok(sandbox)
    }

    /// Runs `/usr/bin/true` in a view with nothing of the course: the
    /// namespaces, the mounts and the uid switch either all work or the
    /// error says which did not.
    fn probe(&self) -> Result<()> {
        let job = Job {
            stage: Stage::TeacherRun,
            program: Some(Path::new("/usr/bin/true")),
            args: &[],
            crate_dir: "",
            wall: Duration::from_secs(30),
        };
        let mut spec = self.spec(&job);
        spec.mounts.clear();
        spec.cwd = PathBuf::from("/");
        let _ = std::fs::remove_file(&self.dirs.report);
        std::fs::create_dir_all(&self.dirs.view)?;
        let output = jail_command(&spec)?
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("cannot start the sandbox helper")?;
        match JailReport::read(&self.dirs.report) {
            Some(report) if report.setup_error.is_none() && report.code == Some(0) => Ok(()),
            Some(report) => bail!(
                "{}",
                report
                    .setup_error
                    .clone()
                    .unwrap_or_else(|| format!("a probe program failed: {report:?}"))
            ),
            None => bail!(
                "the kernel refused the namespaces ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        }
    }

    pub fn info(&self) -> SandboxInfo {
        SandboxInfo {
            mode: match self.mode {
                Mode::Confined(_) => "confined".into(),
                Mode::Unconfined(Isolation::DedicatedUid(_)) => "dedicated-uid".into(),
                Mode::Unconfined(Isolation::ProcessGroup) => "process-group".into(),
            },
            uid: self.uid(),
            slot: self.slot.index,
            process_limit_enforced: self.process_limit_enforced,
            protections_off: self.off.clone(),
            run_memory_mib: if self.memory_ceiling {
                self.limits.run_memory_bytes(false) >> 20
            } else {
                0
            },
        }
    }

    pub fn confined(&self) -> bool {
        matches!(self.mode, Mode::Confined(_))
    }

    fn isolation(&self) -> Isolation {
        match self.mode {
            Mode::Confined(uid) => Isolation::DedicatedUid(uid),
            Mode::Unconfined(isolation) => isolation,
        }
    }

    /// The uid the tests run as.
    pub fn uid(&self) -> u32 {
        match self.isolation() {
            Isolation::DedicatedUid(uid) => uid,
            Isolation::ProcessGroup => getuid().as_raw(),
        }
    }

    /// The workspace as the runs see it.
    pub fn workspace(&self) -> PathBuf {
        if self.confined() {
            PathBuf::from(VIEW_WORKSPACE)
        } else {
            self.dirs.work.clone()
        }
    }

    /// The target folder as the runs see it.
    pub fn target(&self) -> PathBuf {
        if self.confined() {
            PathBuf::from(VIEW_TARGET)
        } else {
            self.dirs.target.clone()
        }
    }

    /// Empties the teacher's build when it is not the uid's (a first run),
    /// and gives it to the uid.
    pub fn prepare_target(&self) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        if let Mode::Confined(uid) = self.mode {
            // Built unconfined (as the grader's user) before: the uid could
            // not update it.
            let debug = self.dirs.target.join("debug");
            if debug.exists() && std::fs::metadata(&debug)?.uid() != uid {
                std::fs::remove_dir_all(&self.dirs.target)?;
            }
            std::fs::create_dir_all(&self.dirs.target)?;
            std::os::unix::fs::chown(&self.dirs.target, Some(uid), Some(uid))?;
        } else {
            std::fs::create_dir_all(&self.dirs.target)?;
        }
        Ok(())
    }

    /// A fresh, empty layer for a student's build.
    pub fn fresh_layer(&self) -> Result<()> {
        for dir in [&self.dirs.upper, &self.dirs.upper_work] {
            if dir.exists() {
                std::fs::remove_dir_all(dir)
                    .with_context(|| format!("cannot empty {}", dir.display()))?;
            }
            std::fs::create_dir_all(dir)?;
            if let Mode::Confined(uid) = self.mode {
                std::os::unix::fs::chown(dir, Some(uid), Some(uid))?;
            }
        }
        Ok(())
    }

    /// The environment of a run: nothing of the grader's.
    fn env(&self, job: &Job) -> Vec<(String, String)> {
        let confined = self.confined();
        let path = |p: &Path| p.display().to_string();
        let (rust, cargo_home, home) = if confined {
            (
                PathBuf::from(VIEW_RUST),
                PathBuf::from(VIEW_CARGO_HOME),
                PathBuf::from("/tmp"),
            )
        } else {
            (
                self.toolchain.sysroot.clone(),
                self.toolchain.cargo_home.clone(),
                self.dirs.tmp.clone(),
            )
        };
        let mut env = vec![
            (
                "PATH".to_string(),
                format!("{}:/usr/local/bin:/usr/bin:/bin", path(&rust.join("bin"))),
            ),
            ("HOME".into(), path(&home)),
            ("TMPDIR".into(), path(&home)),
            ("RUST_BACKTRACE".into(), "0".into()),
            // glibc reserves 64 MiB of address space per malloc arena (up to
            // eight per core): under RLIMIT_AS, a program with many threads
            // would run out of address space long before it used the memory.
            ("MALLOC_ARENA_MAX".into(), "2".into()),
            ("CARGO_HOME".into(), path(&cargo_home)),
            // No rustup in the view: cargo and rustc of the toolchain are
            // called directly; these only pin what a rustup proxy would pick.
            ("RUSTUP_HOME".into(), path(&rust.join("no-rustup"))),
            ("RUSTUP_TOOLCHAIN".into(), self.toolchain.name()),
        ];
        let crate_dir = self.workspace().join(job.crate_dir);
        if job.stage.is_build() {
            env.extend([
                ("RUSTC".to_string(), path(&rust.join("bin/rustc"))),
                ("CARGO_TARGET_DIR".into(), path(&self.target())),
                ("CARGO_INCREMENTAL".into(), "0".into()),
                ("CARGO_NET_OFFLINE".into(), "true".into()),
                ("CARGO_TERM_COLOR".into(), "never".into()),
                // The registry is read-only in the view: no clean-up of it.
                ("CARGO_CACHE_AUTO_CLEAN_FREQUENCY".into(), "never".into()),
            ]);
        } else {
            env.push(("CARGO_MANIFEST_DIR".into(), path(&crate_dir)));
        }
        env
    }

    /// The rlimits of a run.
    fn rlimits(&self, job: &Job) -> Vec<(Limit, u64, u64)> {
        let l = &self.limits;
        // The CPU limit's hard value is one second above the soft one:
        // SIGXCPU first (a verdict says why), then SIGKILL.
        let (cpu, memory, files, open_files) = if job.stage.is_build() {
            let cpu = job.wall.as_secs().max(1);
            (cpu, l.build_memory_bytes, l.build_file_bytes, None)
        } else {
            (
                l.cpu_seconds,
                l.memory_bytes,
                l.file_bytes,
                Some(l.open_files),
            )
        };
        // Read once: the test's value depends on how many processes the uid
        // has right now, and soft must never exceed hard.
        let processes = if job.stage.is_build() {
            l.build_processes
        } else {
            self.process_limit()
        };
        let mut limits = vec![
            (Limit::Cpu, cpu, cpu + 1),
            (Limit::AddressSpace, memory, memory),
            (Limit::Processes, processes, processes),
            (Limit::FileSize, files, files),
        ];
        limits.extend(open_files.map(|n| (Limit::OpenFiles, n, n)));
        limits.push((Limit::Core, 0, 0));
        limits
    }

    /// The view and program of a confined run.
    fn spec(&self, job: &Job) -> JailSpec {
        let cargo_home = &self.toolchain.cargo_home;
        let mut mounts = vec![
            Mount::bind(&self.toolchain.sysroot, VIEW_RUST, false),
            Mount::bind(&self.dirs.work, VIEW_WORKSPACE, false),
        ];
        for part in ["registry", "git"] {
            if cargo_home.join(part).is_dir() {
                let to = Path::new(VIEW_CARGO_HOME).join(part);
                mounts.push(Mount::bind(cargo_home.join(part), to, false));
            }
        }
        let layer = (self.dirs.upper.clone(), self.dirs.upper_work.clone());
        mounts.push(match job.stage {
            Stage::TeacherBuild | Stage::TeacherRun => Mount::bind(
                &self.dirs.target,
                VIEW_TARGET,
                job.stage == Stage::TeacherBuild,
            ),
            Stage::StudentBuild => Mount::Overlay {
                lower: vec![self.dirs.target.clone()],
                upper: Some(layer),
                to: VIEW_TARGET.into(),
            },
            Stage::StudentRun => Mount::Overlay {
                lower: vec![self.dirs.upper.clone(), self.dirs.target.clone()],
                upper: None,
                to: VIEW_TARGET.into(),
            },
        });
        let program = match job.program {
            Some(program) => program.to_path_buf(),
            None => Path::new(VIEW_RUST).join("bin/cargo"),
        };
        JailSpec {
            root: self.dirs.view.clone(),
            report: self.dirs.report.clone(),
            uid: self.uid(),
            mounts,
            owned_dirs: vec![VIEW_CARGO_HOME.into()],
            tmp_bytes: self.limits.tmp_bytes,
            program,
            args: job.args.iter().map(|a| a.to_string()).collect(),
            env: self.env(job),
            cwd: self.workspace().join(job.crate_dir),
            limits: self.rlimits(job),
            groups: Vec::new(),
        }
    }

    /// The memory group of a run of `job`, when confined runs get one.
    pub fn memory_group(&self, job: &Job) -> Result<Option<MemoryGroup>> {
        if !(self.confined() && self.memory_ceiling) {
            return Ok(None);
        }
        let bytes = self.limits.run_memory_bytes(job.stage.is_build());
        MemoryGroup::create(bytes)
            .map(Some)
            .map_err(|why| anyhow::anyhow!("cannot give the run its memory ceiling: {why}"))
    }

    /// The command that runs `job`: through the jail helper when confined
    /// (in `group`, if it has one), else directly with its limits.
    pub fn command(&self, job: &Job, group: Option<&MemoryGroup>) -> Result<Command> {
        let mut command = if self.confined() {
            std::fs::create_dir_all(&self.dirs.view)?;
            let _ = std::fs::remove_file(&self.dirs.report);
            let mut spec = self.spec(job);
            spec.groups.extend(group.map(MemoryGroup::procs));
            jail_command(&spec)?
        } else {
            self.unconfined_command(job)
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Ok(command)
    }

    fn unconfined_command(&self, job: &Job) -> Command {
        let program = match job.program {
            Some(program) => program.to_path_buf(),
            None => self.toolchain.sysroot.join("bin/cargo"),
        };
        let mut command = Command::new(program);
        // A build starts in `/`, with the workspace named by --manifest-path:
        // cargo reads configuration from the folders above its working
        // folder, and /var/tmp is anybody's to write.
        let cwd = if job.stage.is_build() {
            PathBuf::from("/")
        } else {
            self.workspace().join(job.crate_dir)
        };
        command
            .args(job.args)
            .current_dir(cwd)
            .env_clear()
            .envs(self.env(job));
        if !job.stage.is_build()
            && let Isolation::DedicatedUid(uid) = self.isolation()
        {
            command.uid(uid).gid(uid);
        }
        let limits: Vec<(Resource, u64, u64)> = self
            .rlimits(job)
            .into_iter()
            .filter(|(limit, ..)| !job.stage.is_build() || *limit != Limit::Processes)
            .map(|(limit, soft, hard)| capped(limit.resource(), soft, hard))
            .collect();
        // SAFETY: the closure runs between fork and exec; it only makes
        // system calls (setsid, setrlimit) and allocates nothing (the vector
        // was built before the fork).
        unsafe {
            command.pre_exec(move || own_session_with(&limits));
        }
        command
    }

    /// The RLIMIT_NPROC value for the next test run.
    pub fn process_limit(&self) -> u64 {
        match self.isolation() {
            Isolation::DedicatedUid(_) => self.limits.processes,
            Isolation::ProcessGroup => {
                let running = procfs::thread_count(&procfs::processes_of_uid(self.uid()));
                running + self.limits.processes
            }
        }
    }

    /// Empties the unconfined runs' temporary folder and gives it to the
    /// test's user.
    pub fn prepare_tmp(&self) -> Result<()> {
        if self.confined() {
            return Ok(());
        }
        self.remove_tmp();
        std::fs::create_dir(&self.dirs.tmp)
            .with_context(|| format!("cannot create {}", self.dirs.tmp.display()))?;
        std::fs::set_permissions(&self.dirs.tmp, std::fs::Permissions::from_mode(0o700))?;
        if let Isolation::DedicatedUid(uid) = self.isolation() {
            std::os::unix::fs::chown(&self.dirs.tmp, Some(uid), Some(uid))
                .with_context(|| format!("cannot give {} to uid {uid}", self.dirs.tmp.display()))?;
        }
        Ok(())
    }

    pub fn remove_tmp(&self) {
        if !self.confined() {
            let _ = std::fs::remove_dir_all(&self.dirs.tmp);
        }
    }

    /// Sends SIGKILL to every process of the run, without reaping any (the
    /// caller may still be waiting for the leader).
    pub fn kill_everything(&self, leader: Option<i32>) {
        // Unconfined, the run is the leader's session (its process group).
        if let (Mode::Unconfined(_), Some(leader)) = (self.mode, leader) {
            let _ = killpg(Pid::from_raw(leader), Signal::SIGKILL);
        }
        // Confined, the helper's death kills init (PDEATHSIG), whose death
        // kills everything in its PID namespace.
        if !matches!(self.mode, Mode::Unconfined(Isolation::DedicatedUid(_))) {
            for process in procfs::descendants_of(std::process::id() as i32) {
                let _ = kill(Pid::from_raw(process.pid), Signal::SIGKILL);
            }
        }
        if let Isolation::DedicatedUid(uid) = self.isolation() {
            kill_every_process_of(uid);
        }
    }

    /// The processes of the run that exist now (zombies included).
    pub fn members(&self) -> Vec<ProcessInfo> {
        let mut found = procfs::descendants_of(std::process::id() as i32);
        if let Isolation::DedicatedUid(uid) = self.isolation() {
            for process in procfs::processes_of_uid(uid) {
                if !found.iter().any(|f| f.pid == process.pid) {
                    found.push(process);
                }
            }
        }
        found
    }

    /// Threads of the run's user now: what RLIMIT_NPROC counts.
    pub fn task_count(&self) -> u64 {
        match self.isolation() {
            Isolation::DedicatedUid(uid) => procfs::thread_count(&procfs::processes_of_uid(uid)),
            Isolation::ProcessGroup => procfs::thread_count(&self.members()),
        }
    }

    /// Kills and reaps until no process of the run is left. Returns what was
    /// still there when it started. Call it only once the leader has been
    /// waited for: it reaps any child of the grader.
    pub fn clean_up(&self) -> Result<Vec<ProcessInfo>> {
        let mut found = self.members();
        if self.confined() {
            // The helper and init are the grader's own (root's), not the
            // run's: init reports what outlived the program.
            found.retain(|p| p.uid == self.uid());
        }
        let left = kill_until_gone(|| self.members(), || self.kill_everything(None));
        if !left.is_empty() {
            let list: Vec<String> = left.iter().map(ToString::to_string).collect();
            bail!(
                "could not kill every process of the run within 10s: {}",
                list.join("; ")
            );
        }
        Ok(found)
    }
}

/// Kills (with `kill`) and reaps until `members` finds nobody, for at most
/// 10 s; returns who is still there then (nobody, normally).
fn kill_until_gone(members: impl Fn() -> Vec<ProcessInfo>, kill: impl Fn()) -> Vec<ProcessInfo> {
    let give_up_at = Instant::now() + Duration::from_secs(10);
    loop {
        let left = members();
        if left.is_empty() || Instant::now() > give_up_at {
            return left;
        }
        kill();
        reap_children();
        // Polling the kernel's process table, not synchronising threads.
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What is off when the grader runs unconfined, in the words a teacher
/// checks against their threat model.
pub fn protections_off(isolation: Isolation) -> Vec<String> {
    let mut off = vec![
        "builds run unconfined as the grader's own user: code that runs at compile time \
         (macros, build scripts of dependencies) can read and write whatever that user can"
            .to_string(),
        "mount namespace: tests see the whole file system (the teacher's checkout with its \
         solutions, other submissions) as far as their user may read it"
            .to_string(),
        "network namespace: tests can reach the network and every port on 127.0.0.1".to_string(),
        "IPC namespace and private /tmp, /dev/shm: files, shared memory and message queues \
         can outlive a run"
            .to_string(),
        "PID namespace: a process that escapes the process group or the uid sweep survives"
            .to_string(),
        "per-exercise build layer: a test can change build outputs that later exercises of the \
         same submission use"
            .to_string(),
    ];
    if isolation == Isolation::ProcessGroup {
        off.push(
            "dedicated uid: tests run as the grader's own user (they can signal the grader and \
             read its files), and the process limit counts all of that user's processes"
                .to_string(),
        );
    }
    off
}

fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why grading does not start, and what `--unconfined` would turn off.
fn refusal(why: &str, off: &[String]) -> String {
    format!(
        "cannot confine the submissions here ({why}). Without confinement these protections \
         are OFF:\n{}\nRun the grader as root on a kernel that allows namespaces, or pass \
         --unconfined if you trust the submissions (or the machine is itself a throw-away \
         sandbox, such as Gradescope's container).",
        bullets(off)
    )
}

/// `course grade --jail <spec>` with the namespaces unshared before exec.
fn jail_command(spec: &JailSpec) -> Result<Command> {
    let exe = std::env::current_exe().context("cannot find the grader's own program")?;
    let mut command = Command::new(exe);
    command
        .args(["grade", "--jail", &serde_json::to_string(spec)?])
        .env_clear()
        .current_dir("/");
    // SAFETY: the closure runs between fork and exec and only makes system
    // calls (setsid, unshare, prctl) without allocating.
    unsafe {
        command.pre_exec(|| {
            nix::unistd::setsid().map_err(io::Error::from)?;
            nix::sched::unshare(
                CloneFlags::CLONE_NEWNS
                    | CloneFlags::CLONE_NEWNET
                    | CloneFlags::CLONE_NEWIPC
                    | CloneFlags::CLONE_NEWUTS
                    | CloneFlags::CLONE_NEWPID,
            )
            .map_err(io::Error::from)?;
            // The helper dies with the grader, init with the helper.
            Ok(nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?)
        });
    }
    Ok(command)
}

/// `(resource, soft, hard)`, lowered to the hard limit we have.
fn capped(resource: Resource, soft: u64, hard: u64) -> (Resource, u64, u64) {
    let hard_now = getrlimit(resource).map_or(u64::MAX, |(_, hard)| hard);
    let hard = hard.min(hard_now);
    (resource, soft.min(hard), hard)
}

/// Reaps every child of the grader that has exited.
pub fn reap_children() {
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG | WaitPidFlag::__WALL)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
}

/// Runs `work` in a forked child of the grader and waits for it: its exit
/// code, or `None` if it could not fork or the child did not exit normally.
///
/// # Safety
///
/// The grader has threads, so the child is a copy in which another thread
/// may have held a lock (malloc's, stdout's) at the fork: `work` may only
/// make async-signal-safe calls (system calls through nix, no allocation,
/// no printing, no lock).
unsafe fn in_child(work: impl FnOnce() -> i32) -> Option<i32> {
    // SAFETY: the child runs only `work`, async-signal-safe by the caller's
    // promise, and leaves with _exit.
    match unsafe { fork() } {
        // SAFETY: _exit is async-signal-safe and takes no pointers; it runs
        // no exit handler and flushes no buffer that belongs to the parent.
        Ok(ForkResult::Child) => unsafe { nix::libc::_exit(work()) },
        Ok(ForkResult::Parent { child }) => match waitpid(child, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Exited(_, code)) => Some(code),
            _ => None,
        },
        Err(_) => None,
    }
}

/// Sends SIGKILL, as `uid`, to every process it may signal (`kill(-1)`):
/// exactly the processes of that uid. Only root may call this.
fn kill_every_process_of(uid: u32) {
    // SAFETY: the child makes two system calls, setuid(2) and kill(2),
    // through nix, which allocates nothing for them.
    unsafe {
        in_child(|| match setuid(Uid::from_raw(uid)) {
            Ok(()) => kill(Pid::from_raw(-1), Signal::SIGKILL).map_or(1, |()| 0),
            Err(_) => 1,
        })
    };
}

/// Whether RLIMIT_NPROC stops a test's user from forking: a probe becomes
/// that user, allows itself one process, and tries to fork.
pub fn process_limit_enforced(isolation: Isolation) -> bool {
    let probe = || {
        if let Isolation::DedicatedUid(uid) = isolation
            && (setgroups(&[]).is_err()
                || setgid(Gid::from_raw(uid)).is_err()
                || setuid(Uid::from_raw(uid)).is_err())
        {
            return 3;
        }
        if setrlimit(Resource::RLIMIT_NPROC, 1, 1).is_err() {
            return 3;
        }
        // 0 when the fork is refused; a grandchild that starts exits at once.
        // SAFETY: the grandchild returns a number and leaves with _exit.
        match unsafe { in_child(|| 0) } {
            Some(_) => 1,
            None => 0,
        }
    };
    // SAFETY: the probe makes system calls only: setgroups(2) with an empty
    // list, setgid(2), setuid(2), setrlimit(2), fork(2) and waitpid(2), all
    // through nix, which passes the slice's pointer and allocates nothing.
    unsafe { in_child(probe) == Some(0) }
}
