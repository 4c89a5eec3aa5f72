//! Running a program from a test, with a deadline: what it printed, and how
//! it ended.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// What a program printed, and how it ended.
#[derive(Debug)]
pub struct ProgramRun {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl ProgramRun {
    /// The lines of standard output.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// How many lines of standard output contain `needle`.
    pub fn count_lines_containing(&self, needle: &str) -> usize {
        self.stdout.lines().filter(|l| l.contains(needle)).count()
    }
}

/// How long [`run_command`] lets a program run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long it may take to write its first bytes to standard output. A
    /// program that is stuck from the start (processes that all wait for a
    /// message nobody sends) fails after this, long before `in_all`.
    pub until_first_output: Option<Duration>,
    /// How long it may take in all.
    pub in_all: Duration,
    /// Run it in a process group of its own and stop the whole group if it
    /// overstays: `SIGTERM` first (a launcher such as `mpirun` forwards it
    /// and cleans up), `SIGKILL` two seconds later. Whatever is left of the
    /// group when the program has ended is killed too. Otherwise the
    /// program alone is killed with `SIGKILL`.
    pub own_group: bool,
}

impl Limits {
    /// At most `deadline` in all, the program alone killed after it.
    pub fn in_all(deadline: Duration) -> Limits {
        Limits {
            until_first_output: None,
            in_all: deadline,
            own_group: false,
        }
    }
}

/// Why [`run_command`] has no [`ProgramRun`] to give.
#[derive(Debug)]
pub enum NotRun {
    /// The program could not be started.
    Start(io::Error),
    /// It overstayed its [`Limits`] and was stopped (and reaped) after
    /// running this long; what it had printed by then.
    Overstayed {
        after: Duration,
        stdout: String,
        stderr: String,
    },
}

/// Runs `command` with standard input closed and its output collected,
/// within `limits`.
pub fn run_command(command: &mut Command, limits: Limits) -> Result<ProgramRun, NotRun> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if limits.own_group {
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(NotRun::Start)?;
    // Read both pipes on threads of their own, so that a chatty program never
    // blocks on a full pipe while we wait for it.
    let printed = Arc::new(AtomicBool::new(false));
    let stdout = read_all_on_thread(
        child.stdout.take().expect("stdout was piped"),
        Some(Arc::clone(&printed)),
    );
    let stderr = read_all_on_thread(child.stderr.take().expect("stderr was piped"), None);
    let started = Instant::now();
    let status = loop {
        let allowed = match limits.until_first_output {
            Some(first) if !printed.load(Ordering::Acquire) => first.min(limits.in_all),
            _ => limits.in_all,
        };
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < allowed => {
                thread::sleep(Duration::from_millis(5)); // polling a child, not synchronising threads
            }
            Ok(None) => {
                let after = started.elapsed();
                if limits.own_group {
                    let group = Pid::from_raw(child.id() as i32);
                    let _ = killpg(group, Signal::SIGTERM);
                    let stop_by = Instant::now() + Duration::from_secs(2);
                    while child.try_wait().ok().flatten().is_none() && Instant::now() < stop_by {
                        thread::sleep(Duration::from_millis(10));
                    }
                    let _ = killpg(group, Signal::SIGKILL);
                } else {
                    let _ = child.kill();
                }
                let _ = child.wait();
                return Err(NotRun::Overstayed {
                    after,
                    stdout: stdout.join().unwrap_or_default(),
                    stderr: stderr.join().unwrap_or_default(),
                });
            }
            Err(e) => panic!("could not wait for {:?}: {e}", command.get_program()),
        }
    };
    if limits.own_group {
        // Processes it left behind in its group (the group outlives its
        // leader while any member remains).
        let _ = killpg(Pid::from_raw(child.id() as i32), Signal::SIGKILL);
    }
    Ok(ProgramRun {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Runs the program at `path` with `args`, standard input closed, and waits
/// for it for at most `deadline`. If it is still running then, it is killed and
/// reaped, and the test fails with a message that shows what it had printed.
pub fn run_program(path: &str, args: &[&str], deadline: Duration) -> ProgramRun {
    match run_command(Command::new(path).args(args), Limits::in_all(deadline)) {
        Ok(run) => run,
        Err(NotRun::Start(e)) => panic!("could not start {path}: {e}"),
        Err(NotRun::Overstayed { stdout: out, .. }) => panic!(
            "{path} {args:?} was still running after {deadline:?} and was killed.\n\
             It printed:\n{out}"
        ),
    }
}

/// Reads `pipe` to its end on a thread of its own; sets `printed` once the
/// first bytes arrive.
fn read_all_on_thread<R: Read + Send + 'static>(
    mut pipe: R,
    printed: Option<Arc<AtomicBool>>,
) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    bytes.extend_from_slice(&buffer[..n]);
                    if let Some(printed) = &printed {
                        printed.store(true, Ordering::Release);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_never_prints_is_stopped_at_the_first_output_deadline() {
        let limits = Limits {
            until_first_output: Some(Duration::from_millis(200)),
            in_all: Duration::from_secs(60),
            own_group: true,
        };
        match run_command(Command::new("sleep").arg("30"), limits) {
            Err(NotRun::Overstayed { after, .. }) => assert!(
                after >= Duration::from_millis(200),
                "stopped after {after:?}, before its deadline"
            ),
            other => panic!("`sleep 30` must overstay 200 ms, got {other:?}"),
        }
    }

    #[test]
    fn a_program_that_printed_has_the_whole_deadline() {
        let limits = Limits {
            until_first_output: Some(Duration::from_secs(2)),
            in_all: Duration::from_secs(60),
            own_group: false,
        };
        let run = run_command(
            Command::new("sh").args(["-c", "echo first; sleep 2.5; echo second"]),
            limits,
        )
        .expect("it printed at once, so only the 60 s deadline applies");
        assert!(run.status.success());
        assert_eq!(run.lines(), ["first", "second"]);
    }

    #[test]
    fn an_overstaying_group_is_stopped_with_everything_it_started() {
        // A shell that starts a grandchild and waits for it: both must go.
        let limits = Limits {
            own_group: true,
            ..Limits::in_all(Duration::from_millis(300))
        };
        let started = Instant::now();
        let stdout = match run_command(
            Command::new("sh").args(["-c", "echo started; sleep 60 & echo $!; wait"]),
            limits,
        ) {
            Err(NotRun::Overstayed { stdout, .. }) => stdout,
            other => panic!("the shell must overstay 300 ms, got {other:?}"),
        };
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the run waited for the grandchild instead of stopping it"
        );
        let grandchild: i32 = stdout
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .expect("the shell printed its grandchild's pid");
        // Signals are delivered asynchronously: give the kernel a moment.
        let give_up_at = Instant::now() + Duration::from_secs(10);
        let state = loop {
            let state =
                std::fs::read_to_string(format!("/proc/{grandchild}/stat")).unwrap_or_default();
            if state.is_empty() || state.contains(") Z ") || Instant::now() >= give_up_at {
                break state;
            }
            thread::sleep(Duration::from_millis(10)); // polling /proc, not synchronising
        };
        assert!(
            state.is_empty() || state.contains(") Z "),
            "the grandchild {grandchild} outlived its group's deadline: {state}"
        );
    }
}
