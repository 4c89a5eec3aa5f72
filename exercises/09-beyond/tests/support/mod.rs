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
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use testkit::{Limits, NotRun, run_command};

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
    mpirun_with(Setup::default(), program, ranks, args, likely_cause)
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
    mpirun_with(setup, program, ranks, args, likely_cause)
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
        Ended::Overstayed(after, run) => panic!(
            "{likely_cause}.\n`mpirun -np {ranks}`{} did not finish within {after:?} and was \
             killed. What the ranks printed before that:\n{}",
            describe_setup(setup),
            run.describe()
        ),
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

/// Runs the job and says how it ended, without judging it.
pub fn try_mpirun(setup: Setup, program: &str, ranks: u32, args: &[&str]) -> Ended {
    let mut command = mpirun_command(setup, ranks);
    command.arg(program).args(args);
    let limits = Limits {
        until_first_output: Some(if setup.quiet_until_done {
            MPI_FINISH_DEADLINE
        } else {
            first_output_deadline()
        }),
        in_all: MPI_FINISH_DEADLINE,
        // mpirun forwards SIGTERM to its ranks and cleans up; SIGKILL after.
        own_group: true,
    };
    match run_command(&mut command, limits) {
        Ok(run) => {
            // Across hosts, the shell that started the other host's daemon
            // may outlive mpirun by a moment, and is then handed to us.
            reap_orphans();
            let (stdout, other) = split_output(&run.stdout, &run.stderr);
            Ended::Exited(MpiRun {
                status: run.status,
                stdout,
                other,
            })
        }
        Err(NotRun::Start(e)) => panic!(
            "could not start mpirun ({e}). Chapter 9 needs Open MPI: \
             apt-get install libopenmpi-dev openmpi-bin libclang-dev"
        ),
        Err(NotRun::Overstayed {
            after,
            stdout,
            stderr,
        }) => {
            reap_orphans();
            let (per_rank, other) = split_output(&stdout, &stderr);
            Ended::Overstayed(
                after,
                MpiRun {
                    status: ExitStatus::default(),
                    stdout: per_rank,
                    other,
                },
            )
        }
    }
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
            .unwrap_or_else(|e| {
                panic!("cannot run mpicc ({e}): apt-get install libopenmpi-dev")
            });
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
