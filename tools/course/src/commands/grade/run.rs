//! Running one process in the sandbox with its limits: a wall clock, a cap on
//! what is kept of its output, a flood limit, and a clean-up that leaves
//! nothing behind.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::cgroup::MemoryGroup;
use super::jail::JailReport;
use super::limits::Limits;
use super::procfs::ProcessInfo;
use super::sandbox::{Job, Sandbox};

/// Why the grader stopped a run before it ended by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It was still running at the wall-clock limit.
    Timeout,
    /// It wrote more than the flood limit.
    Flood,
}

/// Everything known about one finished run.
#[derive(Debug)]
pub struct RunOutcome {
    /// How the process ended (after a SIGKILL, if it was stopped).
    pub status: Option<ExitStatus>,
    pub stopped: Option<Stopped>,
    /// The first bytes of each stream, up to the kept limit.
    pub stdout: String,
    pub stderr: String,
    /// Bytes written on both streams, kept or not.
    pub output_bytes: u64,
    /// The most processes and threads the run had at once (sampled).
    pub peak_tasks: u64,
    /// The kernel killed a process of the run because all of them together
    /// reached the run's memory ceiling.
    pub out_of_memory: bool,
    /// Processes still there after the test process ended.
    pub leftovers: Vec<ProcessInfo>,
    pub elapsed: Duration,
}

impl RunOutcome {
    /// The signal that ended the process, if one did.
    pub fn signal(&self) -> Option<i32> {
        self.status.and_then(|s| s.signal())
    }

    pub fn exit_code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    /// Why the run ended, when the kernel killed one of its processes at the
    /// memory ceiling of the whole run: the one check, for builds and tests.
    pub fn memory_limit_reason(&self, build: bool, limits: &Limits) -> Option<String> {
        let (whose, likely) = if build {
            (
                "build",
                "code that runs at compile time and allocates a lot?",
            )
        } else {
            ("test", "children that each allocate a lot?")
        };
        self.out_of_memory.then(|| {
            format!(
                "memory limit: the {whose}'s processes together used more than {} MiB, and the \
                 kernel stopped one ({likely})",
                limits.run_memory_bytes(build) >> 20
            )
        })
    }
}

enum Event {
    Exited(std::io::Result<ExitStatus>),
    Flood,
}

/// How often the run's processes are counted while it runs.
const SAMPLE_EVERY: Duration = Duration::from_millis(50);

/// How much of a run's output is kept, and past how much it is stopped.
#[derive(Debug, Clone, Copy)]
pub struct OutputLimits {
    pub keep: usize,
    pub flood: u64,
}

/// Runs `job` inside the sandbox, and cleans up after it.
pub fn run_sandboxed(sandbox: &Sandbox, job: &Job, output: OutputLimits) -> Result<RunOutcome> {
    sandbox.prepare_tmp()?;
    let started = Instant::now();
    let wall = job.wall;
    let group = sandbox.memory_group(job)?;
    let mut child = sandbox
        .command(job, group.as_ref())?
        .spawn()
        .with_context(|| {
            format!(
                "cannot start {} in the sandbox (uid {})",
                job.program
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "cargo".into()),
                sandbox.uid()
            )
        })?;
    let leader = child.id() as i32;
    let (events, receive) = mpsc::channel();
    let budget = Arc::new(AtomicU64::new(0));
    let readers = [
        drain(
            child.stdout.take().context("stdout")?,
            &events,
            &budget,
            output,
        ),
        drain(
            child.stderr.take().context("stderr")?,
            &events,
            &budget,
            output,
        ),
    ];
    let waiter = {
        let events = events.clone();
        thread::spawn(move || {
            let _ = events.send(Event::Exited(child.wait()));
        })
    };
    drop(events);
    let mut peak_tasks = 0;
    let mut stopped = None;
    let mut status = None;
    while status.is_none() {
        let left = wall.saturating_sub(started.elapsed());
        if left.is_zero() && stopped.is_none() {
            stopped = Some(Stopped::Timeout);
        }
        if stopped.is_some() {
            peak_tasks = peak_tasks.max(sandbox.task_count());
            sandbox.kill_everything(Some(leader));
            // SIGKILL cannot be ignored: the leader ends now.
            match receive.recv() {
                Ok(Event::Exited(result)) => status = Some(result),
                Ok(Event::Flood) => continue,
                Err(_) => break,
            }
            break;
        }
        match receive.recv_timeout(left.min(SAMPLE_EVERY)) {
            Ok(Event::Exited(result)) => status = Some(result),
            Ok(Event::Flood) => stopped = Some(Stopped::Flood),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                peak_tasks = peak_tasks.max(sandbox.task_count());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let elapsed = started.elapsed();
    let _ = waiter.join();
    let mut leftovers = sandbox.clean_up()?;
    let out_of_memory = group.as_ref().is_some_and(MemoryGroup::oom_killed);
    drop(group);
    let [out, err] = readers.map(|r| r.join().unwrap_or_default());
    sandbox.remove_tmp();
    let mut status = status.and_then(Result::ok);
    let mut setup_error = None;
    if sandbox.confined() {
        // The helper's status says nothing of the program: init's report does.
        let report = JailReport::read(&sandbox.dirs.report);
        status = report.as_ref().and_then(|r| match (r.code, r.signal) {
            (Some(code), _) => Some(ExitStatus::from_raw((code & 0xff) << 8)),
            (None, Some(signal)) => Some(ExitStatus::from_raw(signal & 0x7f)),
            (None, None) => None,
        });
        if let Some(report) = report {
            setup_error = report.setup_error;
            leftovers.extend(report.leftovers);
        }
    }
    if let Some(error) = setup_error {
        anyhow::bail!("the sandbox could not be set up: {error}");
    }
    Ok(RunOutcome {
        status,
        stopped,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
        output_bytes: budget.load(Ordering::Relaxed),
        peak_tasks,
        out_of_memory,
        leftovers,
        elapsed,
    })
}

/// Reads `pipe` to its end on a thread: keeps the first `output.keep` bytes,
/// counts the rest into `total`, and reports a flood once `total` passes
/// `output.flood`.
fn drain<R: Read + Send + 'static>(
    mut pipe: R,
    events: &mpsc::Sender<Event>,
    total: &Arc<AtomicU64>,
    OutputLimits { keep, flood }: OutputLimits,
) -> thread::JoinHandle<Vec<u8>> {
    let events = events.clone();
    let total = Arc::clone(total);
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buffer = [0u8; 16 << 10];
        let mut reported = false;
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) => break,
                // A signal that interrupts the read is no end of output.
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
                Ok(n) => {
                    let room = keep.saturating_sub(kept.len()).min(n);
                    kept.extend_from_slice(&buffer[..room]);
                    let sum = total.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
                    if sum > flood && !reported {
                        reported = true;
                        let _ = events.send(Event::Flood);
                    }
                }
            }
        }
        kept
    })
}
