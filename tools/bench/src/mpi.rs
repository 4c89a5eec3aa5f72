//! Chapter 9's measurements: two MPI ranks on this machine, beside the
//! chapters' pipe, queue and pools.
//!
//! The Rust side is chapter 9's own `mpi_measure` program, built in release
//! mode by its own `cargo build` (the bench crate does not depend on the
//! chapter: it needs Open MPI, which a machine with Rust alone lacks) and
//! started with `mpirun -np 2`; the Python side is `python/mpi_measure.py`,
//! the same measurements with mpi4py, under the same `mpirun`. Each prints
//! one JSON line on rank 0 with the medians of its repeats. Neither runs
//! under criterion: the timing happens inside the ranks, and what comes out
//! is the program's own median.
//!
//! What cannot run here (no `mpirun`, no mpi4py, a failed build) is not an
//! error: the run says so, and the rows say "not measured" with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use testkit::{Limits, NotRun, run_command};

use crate::report::{Measured, Results, Row, Unit, format_ratio, format_time};

/// The ranks of every run: two, like the two workers of chapter 7's pools.
pub const RANKS: u32 = 2;
/// `map(square)` over `0..MAP_LEN`, like the other map rows.
pub const MAP_LEN: u64 = crate::workloads::MAP_LEN;
/// The large message of the bandwidth measurement (chapter 9's `measure`).
pub const LARGE_MESSAGE_BYTES: f64 = 1024.0 * 1024.0;

/// The ids of the measurements, on both sides (`group/name`, group `mpi`).
pub const ROUND_TRIP: &str = "mpi/round_trip_8b";
pub const BANDWIDTH: &str = "mpi/round_trip_1mib";
pub const SQUARE_MAP: &str = "mpi/square_map";
/// The same round trips between two hosts of chapter 9's lab (group
/// `mpi_hosts`): rank 0 on one host, rank 1 on the other, over TCP.
pub const HOSTS_ROUND_TRIP: &str = "mpi_hosts/round_trip_8b";
pub const HOSTS_BANDWIDTH: &str = "mpi_hosts/round_trip_1mib";
pub const IDS: [&str; 5] = [
    ROUND_TRIP,
    BANDWIDTH,
    SQUARE_MAP,
    HOSTS_ROUND_TRIP,
    HOSTS_BANDWIDTH,
];
/// The groups this module measures (`group/` prefixes of its ids).
const GROUPS: [&str; 2] = ["mpi", "mpi_hosts"];

/// A whole `mpirun` may take this long before it is killed: a correct run
/// takes a few seconds.
const DEADLINE: Duration = Duration::from_secs(120);
/// Across the lab's two hosts: fewer repeats (a round trip over TCP on a
/// busy two-core machine can take milliseconds, so one repeat may take
/// tens of seconds), a token map (it is not reported across hosts), and a
/// longer deadline.
const HOSTS_REPEATS: usize = 3;
const HOSTS_MAP_LEN: u64 = 1000;
const HOSTS_DEADLINE: Duration = Duration::from_secs(400);

/// Where the Rust side's `mpi_measure` lives (built by [`run`]).
const PACKAGE: &str = "beyond";
const PROGRAM: &str = "mpi_measure";
/// Chapter 9's lab of two hosts (`lab up`, `lab mpirun`, `lab down`).
const LAB: &str = "lab";
const APT: &str = "apt-get install openmpi-bin libopenmpi-dev libclang-dev";

/// What one run measured, and why anything is missing (keyed as
/// [`Results::not_measured`] is).
#[derive(Debug, Default)]
pub struct MpiRun {
    pub rust: BTreeMap<String, f64>,
    pub python: BTreeMap<String, f64>,
    pub not_measured: BTreeMap<String, String>,
    /// When, and under what load: kept in results.json when these rows are
    /// measured apart from the others (`--mpi`).
    pub when: String,
}

/// The JSON line both programs print on rank 0.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Line {
    /// Median round trip of an 8-byte message, microseconds.
    pub round_trip_us: f64,
    /// Megabytes (10^6 bytes) per second moved by 1 MiB messages there and back.
    pub bandwidth_mb_s: f64,
    /// Median `map(square)` over `0..n` with scatter and gather, milliseconds.
    pub square_map_ms: f64,
}

impl Line {
    /// The last line of `stdout` that parses as the measurements.
    pub fn parse(stdout: &str) -> Option<Line> {
        stdout
            .lines()
            .rev()
            .filter(|l| l.trim_start().starts_with('{'))
            .find_map(|l| serde_json::from_str(l).ok())
    }

    /// The round trips of [`Line::seconds`] under the ids of the runs
    /// between two hosts (the map is not measured across hosts).
    pub fn seconds_across_hosts(&self) -> BTreeMap<String, f64> {
        let mut seconds = self.seconds();
        [(ROUND_TRIP, HOSTS_ROUND_TRIP), (BANDWIDTH, HOSTS_BANDWIDTH)]
            .into_iter()
            .filter_map(|(here, across)| Some((across.to_string(), seconds.remove(here)?)))
            .collect()
    }

    /// Seconds per operation, by id, as results.json keeps every number: a
    /// round trip of 8 bytes, a round trip of 1 MiB each way, one whole map.
    pub fn seconds(&self) -> BTreeMap<String, f64> {
        let round_trip_1mib = 2.0 * LARGE_MESSAGE_BYTES / (self.bandwidth_mb_s * 1e6);
        [
            (ROUND_TRIP, self.round_trip_us * 1e-6),
            (BANDWIDTH, round_trip_1mib),
            (SQUARE_MAP, self.square_map_ms * 1e-3),
        ]
        .into_iter()
        .filter(|(_, s)| s.is_finite() && *s > 0.0)
        .map(|(id, s)| (id.to_string(), s))
        .collect()
    }
}

/// Measures both sides with `repeats` repeats each (each repeat is 2000
/// small round trips, 20 large ones and one map), on this machine and, with
/// `across_hosts`, between the two hosts of chapter 9's lab too. Never
/// fails: what could not be measured is in [`MpiRun::not_measured`], and
/// the reason is printed.
pub fn run(repository: &Path, repeats: usize, across_hosts: bool) -> MpiRun {
    let started = crate::machine::describe();
    let mut out = MpiRun::default();
    let mut skip = |side: &str, why: String| {
        eprintln!("{side:8} skipped: {why}");
        out.not_measured.insert(format!("{side}:mpi"), why);
    };
    let skip_hosts = |out: &mut MpiRun, side: &str, why: String| {
        eprintln!("{side:8} across hosts skipped: {why}");
        out.not_measured.insert(format!("{side}:mpi_hosts"), why);
    };
    let repeats = repeats.to_string();
    let map_len = MAP_LEN.to_string();
    let when = |out: &mut MpiRun| {
        out.when = format!(
            "{}, load average {} before and {} after",
            started.date,
            started.load_before,
            crate::machine::load()
        );
    };
    if !succeeds(Command::new("mpirun").arg("--version")) {
        let why = format!("Open MPI's `mpirun` is not installed; `{APT}` adds it");
        skip("python", why.clone());
        skip("rust", why.clone());
        skip_hosts(&mut out, "python", why.clone());
        skip_hosts(&mut out, "rust", why);
        when(&mut out);
        return out;
    }
    let built = build(repository);
    match &built {
        Err(why) => skip("rust", why.clone()),
        Ok((program, _)) => match mpirun(program, &[&repeats, &map_len]) {
            Ok(line) => {
                eprintln!("{:8} {line:?}", "rust");
                out.rust = line.seconds();
            }
            Err(why) => skip("rust", why),
        },
    }
    let script = crate::python::python_dir().join("mpi_measure.py");
    let python_args = [
        script.to_string_lossy().into_owned(),
        repeats.clone(),
        map_len.clone(),
    ];
    let python_args: Vec<&str> = python_args.iter().map(String::as_str).collect();
    let has_mpi4py = succeeds(Command::new("python3").args(["-c", "import mpi4py"]));
    let no_mpi4py = "mpi4py is not installed on this machine; `pip install mpi4py` adds it";
    if !has_mpi4py {
        skip("python", no_mpi4py.to_string());
    } else {
        match mpirun(Path::new("python3"), &python_args) {
            Ok(line) => {
                eprintln!("{:8} {line:?}", "python");
                out.python = line.seconds();
            }
            Err(why) => skip("python", why),
        }
    }
    if !across_hosts {
        let why = "measured only by `cargo course bench --mpi`, which brings up chapter 9's \
                   lab of two hosts (as root)"
            .to_string();
        skip_hosts(&mut out, "rust", why.clone());
        skip_hosts(&mut out, "python", why);
    } else {
        match built.and_then(|(program, lab)| Lab::open(lab).map(|lab| (program, lab))) {
            Err(why) => {
                skip_hosts(&mut out, "rust", why.clone());
                skip_hosts(&mut out, "python", why);
            }
            Ok((program, lab)) => {
                let program = program.to_string_lossy().into_owned();
                let (repeats, map_len) = (HOSTS_REPEATS.to_string(), HOSTS_MAP_LEN.to_string());
                let python_args = [python_args[0], &repeats, &map_len];
                match lab.mpirun(&[&program, &repeats, &map_len]) {
                    Ok(line) => {
                        eprintln!("{:8} across hosts {line:?}", "rust");
                        out.rust.extend(line.seconds_across_hosts());
                    }
                    Err(why) => skip_hosts(&mut out, "rust", why),
                }
                if !has_mpi4py {
                    skip_hosts(&mut out, "python", no_mpi4py.to_string());
                } else {
                    let mut args = vec!["python3"];
                    args.extend(&python_args);
                    match lab.mpirun(&args) {
                        Ok(line) => {
                            eprintln!("{:8} across hosts {line:?}", "python");
                            out.python.extend(line.seconds_across_hosts());
                        }
                        Err(why) => skip_hosts(&mut out, "python", why),
                    }
                }
                if let Err(why) = lab.close() {
                    eprintln!("lab down failed: {why}");
                }
            }
        }
    }
    when(&mut out);
    out
}

/// Chapter 9's lab of two hosts, as the measurements use it: found up, or
/// brought up by [`Lab::open`] and then down again by [`Lab::close`].
struct Lab {
    program: PathBuf,
    brought_up: bool,
}

impl Lab {
    /// The lab, up: `lab check` says whether it is, and `lab up` (root
    /// only) brings it up when it is not.
    fn open(program: PathBuf) -> Result<Lab, String> {
        if succeeds(Command::new(&program).arg("check")) {
            return Ok(Lab {
                program,
                brought_up: false,
            });
        }
        if !nix::unistd::geteuid().is_root() {
            return Err(
                "chapter 9's lab of two hosts needs root to come up (it creates \
                        network namespaces); run `cargo course bench --mpi` as root"
                    .to_string(),
            );
        }
        let up = Command::new(&program)
            .arg("up")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("could not start `lab up`: {e}"))?;
        if !up.status.success() {
            return Err(format!(
                "chapter 9's lab of two hosts did not come up: {}",
                String::from_utf8_lossy(&up.stderr).trim()
            ));
        }
        Ok(Lab {
            program,
            brought_up: true,
        })
    }

    /// `lab mpirun -np 2 ARGS`: rank 0 on the first host, rank 1 on the
    /// second (the lab maps ranks by host), and rank 0's JSON line.
    fn mpirun(&self, args: &[&str]) -> Result<Line, String> {
        let mut command = Command::new(&self.program);
        command
            .arg("mpirun")
            .arg("-np")
            .arg(RANKS.to_string())
            .args(args);
        let shown = format!("lab mpirun -np {RANKS} {}", args.join(" "));
        run_ranks(&mut command, &shown, HOSTS_DEADLINE)
    }

    /// `lab down` if [`Lab::open`] brought the lab up; a lab found up stays.
    fn close(self) -> Result<(), String> {
        if !self.brought_up {
            return Ok(());
        }
        let down = Command::new(&self.program)
            .arg("down")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("could not start `lab down`: {e}"))?;
        if down.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&down.stderr).trim().to_string())
        }
    }
}

/// Puts one run into `results`: its numbers replace the previous MPI
/// numbers, its reasons the previous reasons. With `apart`, the rows were
/// measured on their own (`--mpi`), and results.json says when.
pub fn merge_into(results: &mut Results, run: MpiRun, apart: bool) {
    let ours = |group: &str| GROUPS.contains(&group);
    results.measured_apart.retain(|group, _| !ours(group));
    if apart && !(run.rust.is_empty() && run.python.is_empty()) {
        results.measured_apart.insert("mpi".to_string(), run.when);
    }
    for side in [&mut results.rust, &mut results.python] {
        side.retain(|id, _| !ours(id.split('/').next().unwrap_or(id)));
    }
    results
        .not_measured
        .retain(|key, _| !ours(key.split_once(':').map_or(key.as_str(), |(_, g)| g)));
    results.rust.extend(run.rust);
    results.python.extend(run.python);
    results.not_measured.extend(run.not_measured);
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `cargo build --release -p beyond --bin mpi_measure --bin lab`, and the
/// paths of the two programs cargo built (read from its JSON messages, so
/// that any target folder works).
fn build(repository: &Path) -> Result<(PathBuf, PathBuf), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--release", "--package", PACKAGE])
        .args(["--bin", PROGRAM, "--bin", LAB])
        .arg("--message-format=json-render-diagnostics")
        .current_dir(repository)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "chapter 9's `{PROGRAM}` and `{LAB}` did not build (cargo's messages are above; \
             Open MPI's headers and libclang are needed: {APT})"
        ));
    }
    let messages = String::from_utf8_lossy(&output.stdout);
    let find = |name| {
        executable(&messages, name).ok_or_else(|| format!("cargo built no `{name}` program"))
    };
    Ok((find(PROGRAM)?, find(LAB)?))
}

/// The `executable` of the artifact `program` in cargo's JSON messages.
pub fn executable(messages: &str, program: &str) -> Option<PathBuf> {
    #[derive(Deserialize)]
    struct Message {
        reason: String,
        target: Option<Target>,
        executable: Option<PathBuf>,
    }
    #[derive(Deserialize)]
    struct Target {
        name: String,
    }
    messages
        .lines()
        .filter_map(|l| serde_json::from_str::<Message>(l).ok())
        .filter(|m| m.reason == "compiler-artifact")
        .filter(|m| m.target.as_ref().is_some_and(|t| t.name == program))
        .find_map(|m| m.executable)
}

/// Runs `program args` as [`RANKS`] ranks and reads rank 0's JSON line.
///
/// Open MPI's own defaults for two ranks, as a reader who types `mpirun -np
/// 2` gets them: each rank bound to a core of its own, and large messages
/// copied once, straight from one rank's memory into the other's (Linux's
/// cross-memory attach). Unlike chapter 9's tests, which start four ranks
/// on two cores and so bind nothing; binding is what makes the round trip
/// steady on a busy machine (a rank that waits spins on its core). Only the
/// shared-memory transport is enabled (no network probing), more ranks than
/// cores are allowed (a one-core machine), and root is allowed when this
/// runs as root. Where cross-memory attach is forbidden (some containers),
/// the run fails and is made again with it off, and the run says so.
fn mpirun(program: &Path, args: &[&str]) -> Result<Line, String> {
    mpirun_with(program, args, false).or_else(|first| {
        eprintln!("{first}\n  again without cross-memory attach (single copy off)");
        mpirun_with(program, args, true)
    })
}

fn mpirun_with(program: &Path, args: &[&str], no_single_copy: bool) -> Result<Line, String> {
    let mut command = Command::new("mpirun");
    command
        .args(["--oversubscribe", "-np"])
        .arg(RANKS.to_string())
        .arg(program)
        .args(args)
        .env("OMPI_MCA_btl", "self,vader");
    if no_single_copy {
        command.env("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
    }
    if nix::unistd::geteuid().is_root() {
        command
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }
    let shown = format!(
        "mpirun -np {RANKS} {} {}",
        program.display(),
        args.join(" ")
    );
    run_ranks(&mut command, &shown, DEADLINE)
}

/// Runs `command` (an `mpirun`, shown as `shown` in messages) in a process
/// group of its own, reads both its outputs, ends the whole group
/// (mpirun passes SIGTERM on to its ranks; SIGKILL two seconds later) if it
/// has not finished within `deadline`, and reads rank 0's JSON line.
fn run_ranks(command: &mut Command, shown: &str, deadline: Duration) -> Result<Line, String> {
    let limits = Limits {
        until_first_output: None,
        in_all: deadline,
        own_group: true,
    };
    let run = run_command(command, limits).map_err(|not_run| match not_run {
        NotRun::Start(e) => format!("could not start `{shown}`: {e}"),
        NotRun::Overstayed { .. } => {
            format!("`{shown}` did not finish within {deadline:?} and was killed")
        }
    })?;
    if !run.status.success() {
        let said: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        return Err(format!(
            "`{shown}` failed ({}): {}",
            run.status,
            said[..said.len().min(6)].join(" / ")
        ));
    }
    Line::parse(&run.stdout)
        .ok_or_else(|| format!("`{shown}` printed no measurements: {:?}", run.stdout))
}

// ------------------------------------------------------------ the page

/// The rows of the results table: two sections of their own (one chart of
/// times, one of rates) and a row in the `map` section beside the pools.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            section: "mpi_round_trip",
            title: "MPI round trip, 8 bytes",
            detail: "chapter 9's `ping_pong`: rsmpi `send` then `receive_into`, the mean \
                     of 2000 round trips · mpi4py's `Send`/`Recv` of a `bytearray`; \
                     two ranks of `mpirun -np 2` on this machine with Open MPI's \
                     defaults (a core each, shared memory), the median of each \
                     program's repeats",
            rust: Some(ROUND_TRIP),
            python: Some(ROUND_TRIP),
            ..Row::TIMED
        },
        Row {
            section: "mpi_bandwidth",
            title: "MPI ping-pong, 1 MiB messages",
            detail: "the same with 1 MiB messages, 20 round trips; the rate counts the \
                     bytes both ways",
            rust: Some(BANDWIDTH),
            python: Some(BANDWIDTH),
            unit: Unit::Bytes(2.0 * LARGE_MESSAGE_BYTES),
            ..Row::TIMED
        },
        Row {
            section: "mpi_round_trip",
            title: "MPI round trip, 8 bytes, two hosts (TCP)",
            detail: "the same programs under `lab mpirun -np 2`: rank 0 on one host of \
                     chapter 9's lab, rank 1 on the other (network namespaces of this \
                     machine joined by a virtual bridge), TCP between them",
            rust: Some(HOSTS_ROUND_TRIP),
            python: Some(HOSTS_ROUND_TRIP),
            ..Row::TIMED
        },
        Row {
            section: "mpi_bandwidth",
            title: "MPI ping-pong, 1 MiB messages, two hosts (TCP)",
            detail: "the same 1 MiB round trips between the lab's two hosts over TCP",
            rust: Some(HOSTS_BANDWIDTH),
            python: Some(HOSTS_BANDWIDTH),
            unit: Unit::Bytes(2.0 * LARGE_MESSAGE_BYTES),
            ..Row::TIMED
        },
        Row {
            section: "map",
            title: "map: MPI scatter/gather, 2 ranks",
            detail: "chapter 9's `scatter_varcount`/`gather_varcount` of `u64`s, each rank \
                     squaring its share in place, timed on rank 0 from the scatter to the \
                     gather · mpi4py's `Scatterv`/`Gatherv` of `array('Q')` buffers, each \
                     rank squaring with a list comprehension; two ranks of `mpirun -np 2`",
            rust: Some(SQUARE_MAP),
            python: Some(SQUARE_MAP),
            ..Row::TIMED
        },
    ]
}

/// The anchors of findings.md that this module writes.
pub const FINDINGS: &[&str] = &[
    "mpi_round_trip",
    "mpi_queue",
    "mpi_bandwidth",
    "mpi_map",
    "mpi_hosts",
];

/// One sentence of findings.md that quotes an MPI number, or `None` when
/// `name` is not one of [`FINDINGS`] or the Rust side was not measured.
pub fn finding(name: &str, results: &Results) -> Option<String> {
    use Measured::{Python, Rust};
    let get = |m| results.get(m);
    let bytes = Unit::Bytes(2.0 * LARGE_MESSAGE_BYTES);
    // "from Rust and X with mpi4py", or that mpi4py's X is missing (and
    // why, in the first sentence only: a page may quote all three).
    let python = |id: &'static str, show: &dyn Fn(f64) -> String| match get(Python(id)) {
        Some(s) => format!(" and {} with mpi4py", show(s)),
        None if id == ROUND_TRIP => format!(
            " (the mpi4py side was not measured: {})",
            results
                .why_not_measured(Python(id))
                .unwrap_or("it was not in this run")
        ),
        None => " (mpi4py: not measured)".to_string(),
    };
    match name {
        "mpi_round_trip" => {
            let rust = get(Rust(ROUND_TRIP))?;
            Some(format!(
                "{} from Rust{}",
                format_time(rust),
                python(ROUND_TRIP, &format_time)
            ))
        }
        "mpi_queue" => Some(format!(
            "one MPI round trip every {} against one item every {} through chapter 5's \
             queue",
            format_time(get(Rust(ROUND_TRIP))?),
            format_time(get(Rust("queue/small_items"))?)
        )),
        "mpi_bandwidth" => {
            let rust = get(Rust(BANDWIDTH))?;
            let pipe = get(Rust("pipe/framed_64k")).map_or(String::new(), |p| {
                format!(
                    ", against {} for chapter 4's framed pipe with 64 KiB messages",
                    Unit::Bytes(crate::workloads::MESSAGE_BYTES as f64).format(p)
                )
            });
            Some(format!(
                "{} from Rust{}{pipe}",
                bytes.format(rust),
                python(BANDWIDTH, &|s| bytes.format(s))
            ))
        }
        "mpi_map" => {
            let rust = get(Rust(SQUARE_MAP))?;
            let pools = match (get(Rust("map/process_pool")), get(Rust("map/rayon"))) {
                (Some(pool), Some(rayon)) => format!(
                    "; that is {} the time of chapter 7's process pool ({}) and {} rayon's ({})",
                    format_ratio(rust / pool),
                    format_time(pool),
                    format_ratio(rust / rayon),
                    format_time(rayon)
                ),
                _ => String::new(),
            };
            Some(format!(
                "{} from Rust{}{pools}",
                format_time(rust),
                python(SQUARE_MAP, &format_time)
            ))
        }
        "mpi_hosts" => Some(across_hosts(results).unwrap_or_else(|| {
            format!(
                "(not measured between two hosts in this run: {})",
                results
                    .why_not_measured(Rust(HOSTS_ROUND_TRIP))
                    .unwrap_or("it was not in this run")
            )
        })),
        _ => None,
    }
}

/// The sentence of `mpi_hosts`: two hosts against one, from Rust (and
/// mpi4py), or `None` when a Rust figure of either is missing.
fn across_hosts(results: &Results) -> Option<String> {
    use Measured::{Python, Rust};
    let get = |m| results.get(m);
    let bytes = Unit::Bytes(2.0 * LARGE_MESSAGE_BYTES);
    let (small, small_here) = (get(Rust(HOSTS_ROUND_TRIP))?, get(Rust(ROUND_TRIP))?);
    let (large, large_here) = (get(Rust(HOSTS_BANDWIDTH))?, get(Rust(BANDWIDTH))?);
    let python = match (get(Python(HOSTS_ROUND_TRIP)), get(Python(HOSTS_BANDWIDTH))) {
        (Some(s), Some(l)) => format!("; with mpi4py, {} and {}", format_time(s), bytes.format(l)),
        _ => format!(
            "; the mpi4py side was not measured ({})",
            results
                .why_not_measured(Python(HOSTS_ROUND_TRIP))
                .unwrap_or("it was not in this run")
        ),
    };
    Some(format!(
        "an 8-byte round trip took {} between two hosts of the lab (TCP) against {} \
         between two ranks of one host (shared memory), {} as long, and 1 MiB \
         messages moved {} against {}, {} as long per round trip{python}",
        format_time(small),
        format_time(small_here),
        format_ratio(small / small_here),
        bytes.format(large),
        bytes.format(large_here),
        format_ratio(large / large_here),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_line_rank_zero_prints() {
        let stdout = "warning from a rank\n\
            {\"round_trip_us\": 2.500, \"bandwidth_mb_s\": 4194.3, \"square_map_ms\": 3.000}\n";
        let line = Line::parse(stdout).expect("a JSON line");
        let seconds = line.seconds();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b;
        assert!(close(seconds[ROUND_TRIP], 2.5e-6), "{seconds:?}");
        assert!(close(seconds[SQUARE_MAP], 3e-3), "{seconds:?}");
        // 2 MiB there and back at 4194.3 MB/s: 0.5 ms.
        assert!((seconds[BANDWIDTH] - 5.0e-4).abs() < 1e-8, "{seconds:?}");
        assert_eq!(Line::parse("no json here\n"), None);
    }

    #[test]
    fn reads_rank_zeros_line_and_reports_a_failed_or_stuck_run() {
        let sh = |script: &str| {
            let mut command = Command::new("sh");
            command.args(["-c", script]);
            command
        };
        let line = run_ranks(
            &mut sh(r#"echo '{"round_trip_us": 2, "bandwidth_mb_s": 1, "square_map_ms": 3}'"#),
            "ok",
            Duration::from_secs(30),
        );
        assert_eq!(line.map(|l| l.round_trip_us), Ok(2.0));
        let failed = run_ranks(
            &mut sh("echo 'not enough slots' >&2; exit 3"),
            "mpirun -np 2 x",
            Duration::from_secs(30),
        )
        .expect_err("a failed run has no measurements");
        assert!(
            failed.starts_with("`mpirun -np 2 x` failed (exit status: 3): not enough slots"),
            "the error names the command, its status and what it said: {failed}"
        );
        let silent = run_ranks(&mut sh("echo hello"), "quiet", Duration::from_secs(30));
        assert_eq!(
            silent,
            Err("`quiet` printed no measurements: \"hello\\n\"".to_string())
        );
        let stuck = run_ranks(
            &mut sh("exec sleep 30"),
            "stuck",
            Duration::from_millis(200),
        )
        .expect_err("a stuck run is stopped");
        assert_eq!(stuck, "`stuck` did not finish within 200ms and was killed");
    }

    #[test]
    fn finds_the_program_in_cargos_messages() {
        let messages = r#"{"reason":"compiler-artifact","target":{"name":"beyond"},"executable":null}
{"reason":"compiler-artifact","target":{"name":"mpi_measure"},"executable":"/t/release/mpi_measure"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executable(messages, PROGRAM),
            Some(PathBuf::from("/t/release/mpi_measure"))
        );
        assert_eq!(executable(messages, LAB), None);
        assert_eq!(executable(r#"{"reason":"build-finished"}"#, PROGRAM), None);
    }
}
