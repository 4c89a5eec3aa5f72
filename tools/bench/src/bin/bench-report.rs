//! Runs every benchmark, Rust and Python, and writes the book's results page.
//!
//! ```text
//! cargo run --release -p bench --bin bench-report            # criterion, about 5 minutes
//! cargo run --release -p bench --bin bench-report -- --quick # fixed batches, under 2 minutes
//! ```
//!
//! Options:
//! * `--quick`: the quick harness instead of criterion, fewer Python runs;
//! * `--only TEXT`: only the benchmarks whose id contains TEXT; prints the
//!   table and writes nothing unless `--out` is given too;
//! * `--out DIR`: where to write (default: the book's `src/results/`);
//! * `--render`: measure nothing, render `results.json` of the output
//!   folder again (after a change to the page's layout).

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bench::report::{Results, SECTIONS, render_markdown};
use bench::{machine, python, quick, suite, svg};

struct Options {
    quick: bool,
    only: Option<String>,
    out: Option<PathBuf>,
    render: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        only: None,
        out: None,
        render: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--render" => options.render = true,
            "--only" => options.only = Some(args.next().ok_or("--only needs a text")?),
            "--out" => options.out = Some(args.next().ok_or("--out needs a folder")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn repository() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    path.canonicalize().unwrap_or(path)
}

fn main() {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("bench-report: {message}");
            }
            eprintln!("usage: bench-report [--quick] [--only TEXT] [--out DIR] [--render]");
            std::process::exit(2);
        }
    };
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
    if options.render {
        let out = out.ok_or_else(|| io::Error::other("--render needs an output folder"))?;
        let json = std::fs::read_to_string(out.join("results.json"))?;
        let results: Results = serde_json::from_str(&json).map_err(io::Error::other)?;
        return write(&out, &results);
    }

    let started = Instant::now();
    let mut machine = machine::describe();
    let only = options.only.as_deref();

    eprintln!(
        "== Rust ({})",
        if options.quick { "quick" } else { "criterion" }
    );
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
    machine.load_after = machine::load();

    let results = Results {
        mode: if options.quick { "quick" } else { "criterion" }.to_string(),
        machine,
        rust,
        python: python_run.seconds(),
    };
    match out {
        Some(out) => write(&out, &results)?,
        None => println!("{}", render_markdown(&results)),
    }
    eprintln!("== done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Writes `results.json`, `results.md` and one SVG chart per section.
fn write(out: &Path, results: &Results) -> io::Result<()> {
    std::fs::create_dir_all(out)?;
    let json = serde_json::to_string_pretty(results).map_err(io::Error::other)?;
    std::fs::write(out.join("results.json"), json + "\n")?;
    std::fs::write(out.join("results.md"), render_markdown(results))?;
    for section in SECTIONS {
        if let Some(chart) = svg::chart_for(section, results) {
            let path = out.join(format!("{}.svg", section.name));
            std::fs::write(&path, svg::render_svg(&chart))?;
        }
    }
    eprintln!("wrote {}", out.display());
    Ok(())
}
