//! Runs a chapter program under `mpirun` with a deadline, and sorts what it
//! printed by rank. Every test of the chapter goes through here, so the
//! settings that only a test machine needs live here, never in a student's
//! code: running as root (CI runs as root), oversubscribing two cores with
//! four ranks, shared-memory transport only, and the two adversaries of
//! [`Setup`]: sends that are never buffered, and ranks on two hosts of the
//! chapter's lab (`cargo run -p beyond --bin lab -- up`).

// Each test file uses a part of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// How a test starts its ranks, beyond the defaults (one machine, Open MPI's
/// own buffering of small messages).
#[derive(Debug, Clone, Copy, Default)]
pub struct Setup {
    /// Preload `ssend.c` into every rank: each `send` returns only once its
    /// receive has started, as the MPI standard allows any send to. A program
    /// that works only because Open MPI buffers small ("eager") messages
    /// deadlocks on every run.
    pub synchronous_sends: bool,
    /// Start the ranks on the lab's hosts `mpilab-h1` and `mpilab-h2` (two
    /// network namespaces with their own host names, joined by TCP), half on
    /// each. Tests that set it call [`lab_or_skip`] first.
    pub across_hosts: bool,
    /// The program prints only when all its work is done (a measurement): it
    /// may stay silent for up to [`MPI_FINISH_DEADLINE`].
    pub quiet_until_done: bool,
}

impl Setup {
    /// Every `send` synchronous, on one machine.
    pub const SYNCHRONOUS: Setup = Setup {
        synchronous_sends: true,
        across_hosts: false,
        quiet_until_done: false,
    };
    /// Every `send` synchronous, ranks on two hosts of the lab.
    pub const TWO_HOSTS: Setup = Setup {
        synchronous_sends: true,
        across_hosts: true,
        quiet_until_done: false,
    };
}

/// How long one `mpirun` may take before any rank has printed anything, on
/// an idle machine: [`first_output_deadline`] stretches it by the load. A
/// correct program prints within a second or two; ranks that all wait for a
/// message nobody sends never print. (MPI ranks poll while they wait, so
/// the kernel cannot tell a stuck rank from a busy one: silence is the sign.)
pub const MPI_DEADLINE: Duration = Duration::from_secs(5);

/// [`MPI_DEADLINE`] times the machine's load factor (1 to 3): a starved
/// correct run is given longer, and a deadlocked one still fails within
/// seconds.
pub fn first_output_deadline() -> Duration {
    MPI_DEADLINE.mul_f64(testkit::load_factor())
}

/// How long the whole run may take once a rank has printed. Tearing an MPI
/// job down (`MPI_Finalize`, then `mpirun` collecting every rank) can take
/// seconds on a loaded machine; this bound only catches a run that never ends.
pub const MPI_FINISH_DEADLINE: Duration = Duration::from_secs(40);

/// What the ranks of one `mpirun` printed, and how it ended.
pub struct MpiRun {
    pub status: ExitStatus,
    /// Standard output, line by line, per rank (from `--tag-output`).
    pub stdout: BTreeMap<u32, Vec<String>>,
    /// Everything that was not a rank's standard output: the ranks' standard
    /// error and mpirun's own messages.
    pub other: String,
    /// Set when ranks printed but the job then did not end (a rank stuck in
    /// a `send` nobody receives): after how long it was stopped, and the
    /// likely cause to report. The test checks what
    /// the ranks printed first, then [`MpiRun::assert_ended`].
    pub stuck: Option<(Duration, String)>,
}

impl MpiRun {
    /// The lines rank `rank` printed.
    pub fn rank_lines(&self, rank: u32) -> &[String] {
        self.stdout.get(&rank).map_or(&[], Vec::as_slice)
    }

    /// The first line of `rank` that starts with `prefix`, or a test failure
    /// that shows what the ranks printed.
    pub fn line(&self, rank: u32, prefix: &str) -> &str {
        self.rank_lines(rank)
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| {
                panic!(
                    "rank {rank} printed no line starting with {prefix:?}.\n{}",
                    self.describe()
                )
            })
    }

    /// Fails the test if the job did not end by itself and some of the
    /// `ranks` printed nothing: for a check that needs every rank's lines.
    pub fn assert_complete(&self, ranks: u32) {
        if (0..ranks).any(|rank| self.rank_lines(rank).is_empty()) {
            self.assert_ended();
        }
    }

    /// Fails the test if the job did not end by itself (see [`MpiRun::stuck`]).
    pub fn assert_ended(&self) {
        if let Some((after, likely_cause)) = &self.stuck {
            panic!(
                "{likely_cause}.\nThe job did not end: it was stopped after {after:?}. What \
                 the ranks printed:\n{}",
                self.describe()
            );
        }
    }

    /// Everything the run printed, for a failure message.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        for (rank, lines) in &self.stdout {
            for line in lines {
                text.push_str(&format!("  rank {rank}: {line}\n"));
            }
        }
        let panics: Vec<&str> = self
            .other
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("---"))
            .take(12)
            .collect();
        if !panics.is_empty() {
            text.push_str("  other output (standard error, mpirun):\n");
            for line in panics {
                text.push_str(&format!("    {line}\n"));
            }
        }
        text
    }
}

/// Runs `program args` as `ranks` MPI ranks and waits at most
/// [`first_output_deadline`] for a first line. If a rank fails, the test fails with the rank's own
/// message (a `todo!` or a panic) first; if the run does not finish in
/// time, every process of it is killed and the test fails with
/// `likely_cause` on the first line (name the clause there: `clause 4 (...): ...`).
pub fn mpirun(program: &str, ranks: u32, args: &[&str], likely_cause: &str) -> MpiRun {
    let run = mpirun_with(Setup::default(), program, ranks, args, likely_cause);
    run.assert_ended();
    run
}

/// [`mpirun`] for a program that prints only when all its work is done (a
/// measurement): it may stay silent for up to [`MPI_FINISH_DEADLINE`].
pub fn mpirun_quiet_until_done(
    program: &str,
    ranks: u32,
    args: &[&str],
    likely_cause: &str,
) -> MpiRun {
    let setup = Setup {
        quiet_until_done: true,
        ..Setup::default()
    };
    let run = mpirun_with(setup, program, ranks, args, likely_cause);
    run.assert_ended();
    run
}

/// How an `mpirun` that was not expected to succeed ended.
pub enum Ended {
    /// It ended by itself, with this status and output.
    Exited(MpiRun),
    /// It was killed after this long, having printed this.
    Overstayed(Duration, MpiRun),
}

/// [`mpirun`] with a [`Setup`].
pub fn mpirun_with(
    setup: Setup,
    program: &str,
    ranks: u32,
    args: &[&str],
    likely_cause: &str,
) -> MpiRun {
    let run = match try_mpirun(setup, program, ranks, args) {
        Ended::Exited(run) => run,
        Ended::Overstayed(after, mut run) => {
            DEADLOCKED.store(true, Ordering::Release);
            if run.stdout.values().any(|lines| !lines.is_empty()) {
                // What they printed may say more than the hang: the caller
                // checks it (`complete` first, where it needs every rank's
                // lines), then `assert_ended`.
                run.stuck = Some((after, likely_cause.to_owned()));
                return run;
            }
            panic!(
                "{likely_cause}.\n`mpirun -np {ranks}`{} did not finish within {after:?} and \
                 was killed. What the ranks printed before that:\n{}",
                describe_setup(setup),
                run.describe()
            )
        }
    };
    if !run.status.success() {
        // The first rank that panicked, in the words of its panic: a `todo!`
        // message, or the assertion of the student's own code.
        let lines: Vec<&str> = run.other.lines().collect();
        let first_panic = lines
            .iter()
            .position(|l| l.contains("panicked at"))
            .map(|at| {
                let strip = |l: &str| l.split_once("] ").map_or(l, |(_, t)| t).to_owned();
                let rank = lines[at]
                    .split_once(']')
                    .map_or("a rank", |(r, _)| r.trim_start_matches("[rank "));
                let message = lines.get(at + 1).map_or(String::new(), |l| strip(l));
                let place = strip(lines[at]);
                format!("rank {rank} panicked: {message}\n  ({place})")
            })
            .unwrap_or_else(|| "a rank failed".to_owned());
        panic!(
            "`mpirun -np {ranks}`{} failed ({}): {first_panic}\n{}",
            describe_setup(setup),
            run.status,
            run.describe()
        );
    }
    run
}

fn describe_setup(setup: Setup) -> &'static str {
    match (setup.synchronous_sends, setup.across_hosts) {
        (false, false) => "",
        (true, false) => " (every send synchronous: no message is buffered)",
        (false, true) => " (ranks on two hosts of the lab)",
        (true, true) => " (ranks on two hosts of the lab, every send synchronous)",
    }
}

/// Set once a job of this test binary deadlocked: the later tests of the
/// file fail at once (see [`scope`]) instead of each waiting out its own
/// deadline, so that a wrong solution is reported within seconds.
static DEADLOCKED: AtomicBool = AtomicBool::new(false);

/// `testkit::process_scope()` for a test of this chapter: if a job of an
/// earlier test in this file deadlocked, this test fails at once, saying so
/// (that test's message, printed first, says what went wrong).
pub fn scope() -> testkit::ProcessScope {
    let scope = testkit::process_scope();
    if DEADLOCKED.load(Ordering::Acquire) {
        drop(scope);
        panic!(
            "not run: a job of an earlier test in this file deadlocked; its message (the \
             first failure above) says which clause and what to look at"
        );
    }
    scope
}

/// Runs the job and says how it ended, without judging it. The job is
/// stuck when it prints nothing for [`first_output_deadline`] (for
/// [`MPI_FINISH_DEADLINE`] if `setup.quiet_until_done`), or runs longer
/// than [`MPI_FINISH_DEADLINE`] in all: then its whole process group is
/// stopped (SIGTERM, which mpirun forwards to the ranks; SIGKILL two seconds
/// later). Silence, not a total time, is the sign of a deadlock: the ranks
/// of a correct program print as they finish, and a rank stuck in `send` or
/// `receive` never does.
pub fn try_mpirun(setup: Setup, program: &str, ranks: u32, args: &[&str]) -> Ended {
    let mut command = mpirun_command(setup, ranks);
    command.arg(program).args(args);
    let silent_for_at_most = if setup.quiet_until_done {
        MPI_FINISH_DEADLINE
    } else {
        first_output_deadline()
    };
    let mut child = match command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "could not start mpirun ({e}). Chapter 9 needs Open MPI: \
             apt-get install libopenmpi-dev openmpi-bin libclang-dev"
        ),
    };
    let last_output = Arc::new(Mutex::new(Instant::now()));
    let stdout = read_on_thread(child.stdout.take(), Arc::clone(&last_output));
    let stderr = read_on_thread(child.stderr.take(), Arc::clone(&last_output));
    let started = Instant::now();
    let group = Pid::from_raw(child.id() as i32);
    let ended = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => panic!("could not wait for mpirun: {e}"),
        }
        let silent = last_output
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed();
        if silent > silent_for_at_most || started.elapsed() > MPI_FINISH_DEADLINE {
            let _ = killpg(group, Signal::SIGTERM);
            let stop_by = Instant::now() + Duration::from_secs(2);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < stop_by {
                std::thread::sleep(Duration::from_millis(10));
            }
            break None;
        }
        // Polling a child process, not synchronising threads.
        std::thread::sleep(Duration::from_millis(10));
    };
    let after = started.elapsed();
    // Whatever is left of the group (ranks, the other host's daemon) goes too,
    // and what was handed to us when mpirun ended is reaped.
    let _ = killpg(group, Signal::SIGKILL);
    let _ = child.wait();
    reap_orphans();
    let (stdout, other) = split_output(
        &stdout.join().unwrap_or_default(),
        &stderr.join().unwrap_or_default(),
    );
    match ended {
        Some(status) => Ended::Exited(MpiRun {
            status,
            stdout,
            other,
            stuck: None,
        }),
        None => Ended::Overstayed(
            after,
            MpiRun {
                status: ExitStatus::default(),
                stdout,
                other,
                stuck: None,
            },
        ),
    }
}

/// Reads a pipe to its end on a thread of its own, noting when it last
/// brought something.
fn read_on_thread<R: Read + Send + 'static>(
    pipe: Option<R>,
    last_output: Arc<Mutex<Instant>>,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let Some(mut pipe) = pipe else {
            return String::new();
        };
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    bytes.extend_from_slice(&buffer[..n]);
                    *last_output.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for the ranks that a killed `mpirun` left behind: killed with its
/// process group, they were handed to this test process (a child
/// subreaper, see `testkit::process_scope`) and must be reaped. Tests that
/// start processes run one at a time, so every child left is one of them.
/// Gives up after a few seconds; the scope's check reports what is left.
pub fn reap_orphans() {
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    let give_up_at = Instant::now() + Duration::from_secs(5);
    while Instant::now() < give_up_at {
        match waitpid(None, Some(WaitPidFlag::WNOHANG | WaitPidFlag::__WALL)) {
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_millis(20)),
            Ok(_) => {}
            Err(_) => return, // ECHILD: none left
        }
    }
}

/// `mpirun` (or, across hosts, the lab's `lab mpirun`, which runs it on
/// the lab's first host with a hostfile of the lab) with the options every
/// test uses, up to `-np ranks`; the program and its arguments follow.
pub fn mpirun_command(setup: Setup, ranks: u32) -> Command {
    let mut command = if setup.across_hosts {
        let mut lab = Command::new(testkit::bin_path!("lab"));
        lab.arg("mpirun");
        lab
    } else {
        let mut local = Command::new("mpirun");
        local
            .arg("--oversubscribe")
            // Shared memory between ranks of one machine, and no network probing.
            .env("OMPI_MCA_btl", "self,vader")
            .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
            .env("OMPI_MCA_rmaps_base_oversubscribe", "1");
        local
    };
    command.args(["--bind-to", "none", "--tag-output"]);
    if setup.synchronous_sends {
        command
            .arg("-x")
            .arg(format!("LD_PRELOAD={}", synchronous_send_shim().display()));
    }
    command.arg("-np").arg(ranks.to_string());
    if nix::unistd::geteuid().is_root() {
        // Open MPI refuses root unless told twice; CI runs as root.
        command
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }
    command
}

/// `ssend.c` built with `mpicc` into the test target's scratch folder (once
/// per test binary; the build lands under a name of its own and is renamed
/// into place, so test binaries running side by side never load half a file).
pub fn synchronous_send_shim() -> &'static Path {
    static SHIM: OnceLock<PathBuf> = OnceLock::new();
    SHIM.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let source = dir.join(format!("ssend-{}.c", std::process::id()));
        let built = dir.join(format!("libssend-{}.so", std::process::id()));
        let shim = dir.join("libssend.so");
        std::fs::write(&source, include_str!("ssend.c"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", source.display()));
        let status = Command::new("mpicc")
            .args(["-shared", "-fPIC", "-o"])
            .arg(&built)
            .arg(&source)
            .status()
            .unwrap_or_else(|e| panic!("cannot run mpicc ({e}): apt-get install libopenmpi-dev"));
        assert!(
            status.success(),
            "mpicc could not build {} ({status})",
            source.display()
        );
        let _ = std::fs::remove_file(&source);
        std::fs::rename(&built, &shim)
            .unwrap_or_else(|e| panic!("cannot move {} into place: {e}", built.display()));
        shim
    })
}

/// Whether the chapter's lab is up (`lab up`, as root), so that a test can
/// run its ranks on two hosts. Otherwise it prints why the test is skipped
/// and returns false.
pub fn lab_or_skip(test: &str) -> bool {
    let status = Command::new(testkit::bin_path!("lab"))
        .arg("check")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the lab program: {e}"));
    if status.status.success() {
        return true;
    }
    eprintln!(
        "SKIPPED {test}: the lab of two hosts is not up ({}). As root: \
         `cargo run -p beyond --bin lab -- up`, then run the tests again \
         (`.ci/run` does both).",
        String::from_utf8_lossy(&status.stderr).trim()
    );
    false
}

/// Seconds since `start`, for a message.
pub fn seconds_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Sorts the ranks' standard output by rank; everything else goes together.
fn split_output(stdout: &str, stderr: &str) -> (BTreeMap<u32, Vec<String>>, String) {
    let mut per_rank: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut other = String::new();
    for line in stdout.lines() {
        match parse_tagged(line) {
            Some((rank, "stdout", text)) => per_rank.entry(rank).or_default().push(text.to_owned()),
            Some((rank, _, text)) => other.push_str(&format!("[rank {rank}] {text}\n")),
            None => {
                other.push_str(line);
                other.push('\n');
            }
        }
    }
    for line in stderr.lines() {
        match parse_tagged(line) {
            Some((rank, _, text)) => other.push_str(&format!("[rank {rank}] {text}\n")),
            None => {
                other.push_str(line);
                other.push('\n');
            }
        }
    }
    (per_rank, other)
}

/// `[1,2]<stdout>:text` → (2, "stdout", "text").
fn parse_tagged(line: &str) -> Option<(u32, &str, &str)> {
    let rest = line.strip_prefix('[')?;
    let (ids, rest) = rest.split_once(']')?;
    let rank = ids.split_once(',')?.1.parse().ok()?;
    let rest = rest.strip_prefix('<')?;
    let (stream, text) = rest.split_once(">:")?;
    Some((rank, stream, text))
}

/// Finds `label` followed by a number in `line`, e.g. `number_after("tested 5 numbers", "tested")`.
pub fn number_after(line: &str, label: &str) -> u64 {
    let mut words = line.split_whitespace();
    while let Some(word) = words.next() {
        if word == label
            && let Some(n) = words
                .next()
                .and_then(|w| w.trim_end_matches(',').parse().ok())
        {
            return n;
        }
    }
    panic!("no number after {label:?} in {line:?}")
}
