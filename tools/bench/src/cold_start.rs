//! A newcomer's first minutes, measured: on a fresh clone with an empty
//! target folder, what the first commands a student types cost. The figure
//! is CPU time (user + system, of cargo and of every compiler it starts),
//! which does not depend on what else the machine is doing, as wall time
//! does; wall time is kept beside it.
//!
//! `cargo course bench --cold-start` runs it (several minutes) and adds the
//! figures to results.json; it needs the crates already in cargo's registry
//! cache (it runs offline), and it measures the committed tree (a clone in
//! the system's temporary folder, removed afterwards).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use serde::{Deserialize, Serialize};

/// The exercise a newcomer starts with, and its file.
pub const FIRST_EXERCISE: &str = "ordered_results";
const FIRST_EXERCISE_FILE: &str = "exercises/01-threads/src/exercises/ordered_results.rs";
/// How many times the warm edit-test loop runs (the median is kept).
pub const WARM_RUNS: usize = 3;

/// One measurement of the whole sequence, and what it measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColdStart {
    /// The commit that was cloned (`git rev-parse --short HEAD`).
    pub commit: String,
    /// When the sequence started, `date -u`.
    pub date: String,
    /// The load averages before and after (see [`crate::machine::load`]):
    /// they explain the wall times, not the CPU times.
    pub load_before: String,
    pub load_after: String,
    pub steps: Vec<Step>,
}

/// One step of the sequence and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The command, as the student types it.
    pub command: String,
    /// User + system CPU seconds of the command and all it started.
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
}

/// The steps, in order: `cargo course list`, the first exercise's test, the
/// book, then the warm edit-test loop (the exercise file touched, its test
/// run again; the run with the median CPU time of a few).
pub fn measure(repository: &Path) -> io::Result<ColdStart> {
    let clone = std::env::temp_dir().join(format!("course-cold-start-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let cloned = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(repository)
        .arg(&clone)
        .status()?;
    if !cloned.success() {
        return Err(io::Error::other(format!(
            "git clone {} failed",
            repository.display()
        )));
    }
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(&clone)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let machine = crate::machine::describe();
    let outcome = measure_in(&clone);
    let _ = std::fs::remove_dir_all(&clone);
    Ok(ColdStart {
        commit,
        date: machine.date,
        load_before: machine.load_before,
        load_after: crate::machine::load(),
        steps: outcome?,
    })
}

fn measure_in(clone: &Path) -> io::Result<Vec<Step>> {
    let target = clone.join("target");
    let test = ["course", "test", FIRST_EXERCISE];
    let mut steps = vec![
        run(clone, &target, &["course", "list"], true)?,
        run(clone, &target, &test, false)?,
        run(clone, &target, &["course", "book"], true)?,
    ];
    let mut warm: Vec<Step> = Vec::new();
    for _ in 0..WARM_RUNS {
        touch(&clone.join(FIRST_EXERCISE_FILE))?;
        warm.push(run(clone, &target, &test, false)?);
    }
    // CPU time, like the cold steps: the wall time of a two-second command
    // on a loaded machine says more about the other programs than about it.
    warm.sort_by(|a, b| a.cpu_seconds.total_cmp(&b.cpu_seconds));
    let mut median = warm.swap_remove(WARM_RUNS / 2);
    median.command = format!("edit, then cargo {}", test.join(" "));
    steps.push(median);
    Ok(steps)
}

/// Marks the file as changed, as an editor's save does.
fn touch(file: &Path) -> io::Result<()> {
    let text = std::fs::read(file)?;
    std::fs::write(file, text)
}

/// The user + system CPU time of every finished child and grandchild so far.
fn children_cpu() -> io::Result<Duration> {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(io::Error::from)?;
    let seconds =
        |t: nix::sys::time::TimeVal| Duration::new(t.tv_sec() as u64, t.tv_usec() as u32 * 1000);
    Ok(seconds(usage.user_time()) + seconds(usage.system_time()))
}

/// Runs `cargo <args>` in `clone` with its own target folder, offline, and
/// measures it. With `must_pass`, a failure is an error (a test of an
/// unsolved exercise is expected to fail).
fn run(clone: &Path, target: &PathBuf, args: &[&str], must_pass: bool) -> io::Result<Step> {
    let cpu_before = children_cpu()?;
    let started = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(clone)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .stdin(Stdio::null())
        .output()?;
    let wall = started.elapsed();
    let cpu = children_cpu()? - cpu_before;
    let command = format!("cargo {}", args.join(" "));
    if must_pass && !output.status.success() {
        return Err(io::Error::other(format!(
            "`{command}` failed in the fresh clone:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    eprintln!(
        "{command:50} {:>8.1} CPU s {:>8.1} s",
        cpu.as_secs_f64(),
        wall.as_secs_f64()
    );
    Ok(Step {
        command,
        cpu_seconds: cpu.as_secs_f64(),
        wall_seconds: wall.as_secs_f64(),
    })
}

/// The budget for each step, in the order of [`ColdStart::steps`]:
/// what the page says, and the most CPU seconds the step may take. The warm
/// loop's budget is "under" its figure, the others "at most".
pub const BUDGET: [(&str, f64); 4] = [
    ("at most 90 CPU s", 90.0),
    ("at most 60 more CPU s", 60.0),
    ("at most 150 more CPU s", 150.0),
    ("under 2 CPU s", 2.0),
];

/// CPU seconds as the pages show them: whole seconds for a build, tenths
/// for a warm step of a second or two.
pub fn format_cpu(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.1} CPU s")
    } else {
        format!("{seconds:.0} CPU s")
    }
}

/// The readers' table (results.md): each step with its CPU and wall time.
pub fn render_readers(cold: &ColdStart) -> String {
    let mut md = format!(
        "**A newcomer's first minutes.** On a fresh clone (commit `{commit}`) with an \
         empty target folder, one command after the other, as a student types them. \
         CPU time is the user + system time of cargo and of every compiler and test \
         it starts: it does not depend on what else the machine is doing, as wall \
         time does (the load average was {before} before and {after} after; {date}). \
         The last row is the run with the median CPU time of {WARM_RUNS}.\n\n\
         | Command | CPU time | Wall time |\n| --- | ---: | ---: |\n",
        commit = cold.commit,
        before = cold.load_before,
        after = cold.load_after,
        date = cold.date,
    );
    for step in &cold.steps {
        md.push_str(&format!(
            "| `{}` | {} | {} |\n",
            step.command,
            format_cpu(step.cpu_seconds),
            crate::report::format_time(step.wall_seconds)
        ));
    }
    md
}

/// The maintainers' table (targets.md): each step against its budget.
pub fn render_budget(cold: Option<&ColdStart>) -> String {
    let mut md = String::from(
        "**Cold start** (`cargo course bench --cold-start`), in CPU seconds.\n\n\
         | Command | Budget | Measured | Verdict |\n| --- | --- | ---: | --- |\n",
    );
    let Some(cold) = cold else {
        md.push_str("| (not measured yet) | | | |\n");
        return md;
    };
    for (index, step) in cold.steps.iter().enumerate() {
        let Some(&(budget, limit)) = BUDGET.get(index) else {
            continue;
        };
        let warm = index == BUDGET.len() - 1;
        let measured = step.cpu_seconds;
        let met = if warm {
            measured < limit
        } else {
            measured <= limit
        };
        let verdict = if met {
            "met".to_string()
        } else {
            format!(
                "**missed** by {}%",
                crate::report::three_digits((measured / limit - 1.0) * 100.0)
            )
        };
        md.push_str(&format!(
            "| `{}` | {budget} | {} | {verdict} |\n",
            step.command,
            format_cpu(measured)
        ));
    }
    md
}
