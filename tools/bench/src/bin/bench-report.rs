//! Runs every benchmark, Rust and Python, and writes the book's results page.
//!
//! ```text
//! cargo run --release -p bench --bin bench-report            # criterion, about 5 minutes
//! cargo run --release -p bench --bin bench-report -- --quick # fixed batches, under 2 minutes
//! ```
//!
//! `--help` lists the options.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bench::report::{Results, SECTIONS, render_findings, render_markdown, render_targets};
use bench::{cold_start, machine, mpi, python, quick, suite, svg};
use clap::Parser;

/// Runs every benchmark, Rust and Python, and writes the book's results page
/// (results.json, results.md and the charts).
#[derive(Debug, Parser)]
#[command(name = "bench-report")]
struct Options {
    /// The quick harness instead of criterion, and fewer Python runs.
    #[arg(long)]
    quick: bool,
    /// Only the benchmarks whose id contains TEXT; prints the table and
    /// writes nothing unless --out is given too.
    #[arg(long, value_name = "TEXT")]
    only: Option<String>,
    /// Where to write [default: the book's src/results/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Measure nothing: render results.json of the output folder again
    /// (after a change to the page's layout).
    #[arg(long)]
    render: bool,
    /// Measure only a newcomer's first commands on a fresh clone of the
    /// committed tree (`cargo course list`, the first test, the book, the warm
    /// edit-test loop), in CPU seconds; several minutes. The other figures of
    /// results.json are kept.
    #[arg(long, conflicts_with_all = ["quick", "only", "render"])]
    cold_start: bool,
    /// Measure only chapter 9's MPI rows (Rust, and mpi4py if installed,
    /// under `mpirun -np 2` on this machine, then between the two hosts of
    /// chapter 9's lab, which it brings up and down again as root; skipped,
    /// and marked "not measured", without Open MPI or root). The other
    /// figures of results.json are kept.
    #[arg(long, conflicts_with_all = ["only", "render", "cold_start"])]
    mpi: bool,
}

/// Repeats of each MPI program (each repeat: 2000 small round trips, 20
/// large ones, one map): it prints the median.
fn mpi_repeats(quick: bool) -> usize {
    if quick { 5 } else { 15 }
}

fn repository() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    path.canonicalize().unwrap_or(path)
}

fn main() {
    let options = Options::parse();
    if let Err(e) = run(&options) {
        eprintln!("bench-report: {e}");
        std::process::exit(1);
    }
}

fn run(options: &Options) -> io::Result<()> {
    let out = match (&options.out, &options.only) {
        (Some(out), _) => Some(out.clone()),
        (None, Some(_)) => None, // a partial run must not overwrite the page
        (None, None) => Some(repository().join("src/results")),
    };
    if options.render || options.cold_start || options.mpi {
        let out = out.ok_or_else(|| io::Error::other("--render needs an output folder"))?;
        // These modes update the results.json already in `out`: say so now,
        // not after minutes of measuring.
        let existing = out.join("results.json");
        if !existing.is_file() {
            return Err(io::Error::other(format!(
                "{} does not exist: --render, --cold-start and --mpi update the results of \
                 an earlier run (cargo course bench --quick --out {} makes one)",
                existing.display(),
                out.display()
            )));
        }
        // Measured before results.json is read: the sequence takes minutes,
        // and the file may change meanwhile.
        let cold = if options.cold_start {
            eprintln!("== a newcomer's first commands on a fresh clone");
            Some(cold_start::measure(&repository())?)
        } else {
            None
        };
        let mpi_run = options.mpi.then(|| {
            eprintln!("== MPI (chapter 9), {} ranks", mpi::RANKS);
            mpi::run(&repository(), mpi_repeats(options.quick), true)
        });
        let json = std::fs::read_to_string(&existing)?;
        let mut results: Results = serde_json::from_str(&json).map_err(io::Error::other)?;
        if cold.is_some() {
            results.cold_start = cold;
        }
        if let Some(run) = mpi_run {
            mpi::merge_into(&mut results, run, true);
        }
        return write(&out, &results);
    }

    let started = Instant::now();
    let mut machine = machine::describe();
    let only = options.only.as_deref();

    let mode = if options.quick { "quick" } else { "criterion" };
    eprintln!("== Rust ({mode})");
    let rust = if options.quick {
        suite::all()
            .iter()
            .filter(|b| only.is_none_or(|f| b.id().contains(f)))
            .map(|b| {
                let seconds = quick::measure(b, 5);
                eprintln!("{:32} {:>14}", b.id(), bench::report::format_time(seconds));
                (b.id(), seconds)
            })
            .collect()
    } else {
        let criterion_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| repository().join("target"), PathBuf::from)
            .join("criterion");
        suite::run_criterion(&criterion_dir, only)?
    };

    eprintln!("== Python");
    let python_run = python::run(options.quick, only)?;
    machine.python = python_run.python.clone();

    let mpi_run = only
        .is_none_or(|f| mpi::IDS.iter().any(|id| id.contains(f)))
        .then(|| {
            eprintln!("== MPI (chapter 9), {} ranks", mpi::RANKS);
            mpi::run(&repository(), mpi_repeats(options.quick), false)
        });
    machine.load_after = machine::load();

    let mut results = Results {
        mode: mode.to_string(),
        machine,
        rust,
        python: python_run.seconds(),
        cold_start: previous_cold_start(out.as_deref()),
        not_measured: Default::default(),
        measured_apart: Default::default(),
    };
    if let Some(run) = mpi_run {
        mpi::merge_into(&mut results, run, false);
    }
    match out {
        Some(out) => write(&out, &results)?,
        None => println!("{}", render_markdown(&results)),
    }
    eprintln!("== done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The cold-start figures of the results.json in `out`, if any: a run of the
/// benchmarks keeps them (they are measured only with `--cold-start`).
fn previous_cold_start(out: Option<&Path>) -> Option<cold_start::ColdStart> {
    out.and_then(|out| std::fs::read_to_string(out.join("results.json")).ok())
        .and_then(|json| serde_json::from_str::<Results>(&json).ok())
        .and_then(|results| results.cold_start)
}

/// Writes `results.json`, `results.md` (the readers' table),
/// `findings.md` (the pages' sentences with numbers), `targets.md` (the
/// maintainers' page) and one SVG chart per section.
fn write(out: &Path, results: &Results) -> io::Result<()> {
    std::fs::create_dir_all(out)?;
    let json = serde_json::to_string_pretty(results).map_err(io::Error::other)?;
    std::fs::write(out.join("results.json"), json + "\n")?;
    std::fs::write(out.join("results.md"), render_markdown(results))?;
    std::fs::write(out.join("findings.md"), render_findings(results))?;
    std::fs::write(out.join("targets.md"), render_targets(results))?;
    for section in SECTIONS {
        if let Some(chart) = svg::chart_for(section, results) {
            let path = out.join(format!("{}.svg", section.name));
            std::fs::write(&path, svg::render_svg(&chart))?;
        }
    }
    eprintln!("wrote {}", out.display());
    Ok(())
}
