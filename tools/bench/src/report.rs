//! From measured numbers to the book's results pages: the rows of the table
//! and the cold-start figures (results.md, for readers), the sentences of the
//! pages that quote a number (findings.md, included by the pages, so that no
//! number in them can drift from the table), and the project's targets with
//! their verdicts (targets.md, for maintainers).
//!
//! Every measurement is stored as seconds per operation. A row's [`Unit`]
//! says how to show it: as a time, or as a rate (bytes or items per second)
//! for the throughput benchmarks. Ratios are always ratios of times, so "7×
//! faster" means the same thing in every row.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::cold_start::ColdStart;
use crate::machine::Machine;
use crate::workloads::MESSAGE_BYTES;

/// Everything one run of `bench-report` measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    /// How the Rust side was measured: "criterion" or "quick".
    pub mode: String,
    pub machine: Machine,
    /// Seconds per operation, by benchmark id (`group/name`).
    pub rust: BTreeMap<String, f64>,
    pub python: BTreeMap<String, f64>,
    /// A newcomer's first commands on a fresh clone, when measured
    /// (`--cold-start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<ColdStart>,
    /// Why a group of measurements is missing, by `side:group` (for
    /// example `python:mpi`: "mpi4py is not installed"); the page says it
    /// instead of a bare dash.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_measured: BTreeMap<String, String>,
    /// Groups of rows measured on their own, after the rest (`--mpi`), by
    /// group: when, and under what load.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measured_apart: BTreeMap<String, String>,
}

impl Results {
    /// The value of one measurement, if it was made.
    pub fn get(&self, measured: Measured) -> Option<f64> {
        let (side, id) = match measured {
            Measured::Rust(id) => (&self.rust, id),
            Measured::Python(id) => (&self.python, id),
        };
        side.get(id).copied().filter(|s| s.is_finite() && *s > 0.0)
    }

    /// Why `measured` is missing, if the run that left it out said why.
    pub fn why_not_measured(&self, measured: Measured) -> Option<&str> {
        let (side, id) = match measured {
            Measured::Rust(id) => ("rust", id),
            Measured::Python(id) => ("python", id),
        };
        let group = id.split('/').next().unwrap_or(id);
        self.not_measured
            .get(&format!("{side}:{group}"))
            .map(String::as_str)
    }
}

/// Where a number comes from: a Rust benchmark id or a Python one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    Rust(&'static str),
    Python(&'static str),
}

/// How a row's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    /// Time per operation.
    Time,
    /// Bytes per second, with this many bytes per operation.
    Bytes(f64),
    /// Items per second, one item per operation.
    Items,
}

impl Unit {
    /// The value to show for `seconds` per operation: seconds, or a rate.
    pub fn value(self, seconds: f64) -> f64 {
        match self {
            Unit::Time => seconds,
            Unit::Bytes(per_op) => per_op / seconds,
            Unit::Items => 1.0 / seconds,
        }
    }

    /// `seconds` per operation, formatted for a reader.
    pub fn format(self, seconds: f64) -> String {
        match self {
            Unit::Time => format_time(seconds),
            Unit::Bytes(_) => format_bytes_rate(self.value(seconds)),
            Unit::Items => format_items_rate(self.value(seconds)),
        }
    }

    /// True when a longer bar is better (rates), false for times.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Unit::Time)
    }
}

/// One line of the results table. The floor is always measured in Rust: it
/// is the bare system calls, with nothing of ours around them.
#[derive(Debug, Clone)]
pub struct Row {
    /// The chart it belongs to (`src/results/<section>.svg`).
    pub section: &'static str,
    pub title: &'static str,
    /// What each column runs, for the notes under the table.
    pub detail: &'static str,
    pub rust: Option<&'static str>,
    pub python: Option<&'static str>,
    pub floor: Option<&'static str>,
    pub unit: Unit,
}

impl Row {
    /// What the row measures on each side, Rust, Python and floor, where it
    /// names a benchmark.
    pub fn measured(&self) -> [Option<Measured>; 3] {
        [
            self.rust.map(Measured::Rust),
            self.python.map(Measured::Python),
            self.floor.map(Measured::Rust),
        ]
    }

    /// A row of times that measures nothing: the rows below name what they
    /// measure and take the rest (no side, no floor, time per operation) from it.
    pub const TIMED: Row = Row {
        section: "",
        title: "",
        detail: "",
        rust: None,
        python: None,
        floor: None,
        unit: Unit::Time,
    };
}

impl Row {
    /// True for a row in bytes or items per second: a steady state, timed
    /// with the processes already running (see [`crate::steady`]).
    pub fn is_throughput(&self) -> bool {
        matches!(self.unit, Unit::Bytes(_) | Unit::Items)
    }
}

/// The throughput rows whose sides do not run the same amount of work per
/// measurement in a `--quick` run, in words: `rust` and `python` give the
/// operations per measurement of each benchmark id. A rate measured over
/// 500 messages on one side and 2,000 on the other compares two different
/// things (whatever is left of start-up weighs four times more on one side).
pub fn unequal_work(
    rows: &[Row],
    rust: &BTreeMap<String, u64>,
    python: &BTreeMap<String, u64>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for row in rows.iter().filter(|row| row.is_throughput()) {
        let counts: Vec<(String, Option<u64>)> = row
            .measured()
            .into_iter()
            .flatten()
            .map(|measured| match measured {
                Measured::Rust(id) => (format!("Rust {id}"), rust.get(id).copied()),
                Measured::Python(id) => (format!("Python {id}"), python.get(id).copied()),
            })
            .collect();
        let first = counts.first().and_then(|(_, n)| *n);
        if counts.iter().any(|(_, n)| n.is_none() || *n != first) {
            let listed: Vec<String> = counts
                .iter()
                .map(|(side, n)| match n {
                    Some(n) => format!("{side}: {n}"),
                    None => format!("{side}: not listed"),
                })
                .collect();
            problems.push(format!("\"{}\": {}", row.title, listed.join(", ")));
        }
    }
    problems
}

/// A chart: one section of rows.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub name: &'static str,
    pub title: &'static str,
}

pub const SECTIONS: &[Section] = &[
    Section {
        name: "threads",
        title: "Start and join a thread (start-up)",
    },
    Section {
        name: "processes",
        title: "Start and join a process (start-up)",
    },
    Section {
        name: "pipes",
        title: "A pipe between two running processes, 64 KiB messages (steady state)",
    },
    Section {
        name: "queues",
        title: "A queue between two running processes, small items (steady state)",
    },
    // Chapter 9 (crate::mpi).
    Section {
        name: "mpi_round_trip",
        title: "MPI, two ranks on one host or two hosts: an 8-byte message there and back",
    },
    Section {
        name: "mpi_bandwidth",
        title: "MPI, two ranks on one host or two hosts: 1 MiB messages there and back",
    },
    Section {
        name: "counters",
        title: "A shared counter, per increment",
    },
    Section {
        name: "cpu",
        title: "A CPU-bound task: count the primes below 200 000",
    },
    Section {
        name: "map",
        title: "map(square) over 10^6 numbers (pools started before the clock)",
    },
];

/// The rows of the table, in order (a row's place in the table is its
/// section's, then its place in this list).
pub fn rows() -> Vec<Row> {
    let mut rows = chapter_rows();
    rows.extend(crate::mpi::rows());
    rows
}

/// The rows of chapters 1 to 8.
fn chapter_rows() -> Vec<Row> {
    let bytes = Unit::Bytes(MESSAGE_BYTES as f64);
    vec![
        Row {
            section: "threads",
            title: "Thread spawn + join",
            detail: "`std::thread::spawn(..).join()` · `threading.Thread(..).start(); join()` · \
                     floor: `pthread_create` + `pthread_join`",
            rust: Some("thread/spawn_join"),
            python: Some("thread/spawn_join"),
            floor: Some("thread/pthread_floor"),
            ..Row::TIMED
        },
        Row {
            section: "processes",
            title: "Process start + join (fork)",
            detail: "chapter 3's `Process::start(|| 0)` + `join` · \
                     `multiprocessing.Process` with the fork start method · \
                     floor: `fork`, `_exit(0)`, `waitpid`",
            rust: Some("process/process_start_join"),
            python: Some("process/mp_fork"),
            floor: Some("process/fork_floor"),
            ..Row::TIMED
        },
        Row {
            section: "processes",
            title: "Bare fork + _exit + waitpid",
            detail: "the three system calls from Rust (nix) · the same from Python \
                     (`os.fork`, `os._exit`, `os.waitpid`)",
            rust: Some("process/fork_floor"),
            python: Some("process/os_fork"),
            ..Row::TIMED
        },
        Row {
            section: "processes",
            title: "Run /bin/true and wait",
            detail: "`Command::new(\"/bin/true\").status()` · \
                     `subprocess.run([\"/bin/true\"])`",
            rust: Some("process/command_true"),
            python: Some("process/subprocess_true"),
            ..Row::TIMED
        },
        Row {
            section: "processes",
            title: "Python Process, forkserver",
            detail: "`multiprocessing.Process` with the forkserver start method \
                     (no Rust counterpart)",
            python: Some("process/mp_forkserver"),
            ..Row::TIMED
        },
        Row {
            section: "processes",
            title: "Python Process, spawn",
            detail: "`multiprocessing.Process` with the spawn start method: a fresh \
                     interpreter that imports the main module (compare with `/bin/true`)",
            python: Some("process/mp_spawn"),
            ..Row::TIMED
        },
        Row {
            section: "pipes",
            title: "Pipe, framed bytes",
            detail: "chapter 4's `framing::send`/`recv` of `serde_bytes` payloads · \
                     `Connection.send_bytes`/`recv_bytes` · \
                     floor: bare `write`/`read` of 64 KiB blocks",
            rust: Some("pipe/framed_64k"),
            python: Some("pipe/send_bytes"),
            floor: Some("pipe/raw_64k_floor"),
            unit: bytes,
        },
        Row {
            section: "pipes",
            title: "Pipe, framed `Vec<u8>` or pickle",
            detail: "`framing::send_bytes`/`recv_bytes` of a `Vec<u8>`: its bytes as one \
                     block · `Connection.send`/`recv` (pickle)",
            rust: Some("pipe/framed_64k_vec"),
            python: Some("pipe/send_pickled"),
            floor: Some("pipe/raw_64k_floor"),
            unit: bytes,
        },
        Row {
            section: "pipes",
            title: "Pipe, framed struct holding a `Vec<u8>`",
            detail: "`framing::send`/`recv` of a struct whose `Vec<u8>` field has no \
                     `serde_bytes` mark: serde sees a sequence of numbers · \
                     `Connection.send`/`recv` (pickle)",
            rust: Some("pipe/framed_64k_seq"),
            python: Some("pipe/send_pickled"),
            floor: Some("pipe/raw_64k_floor"),
            unit: bytes,
        },
        Row {
            section: "pipes",
            title: "Pipe, bare write/read loop",
            detail: "`write_all`/`read` on the pipe from Rust · `os.write` and \
                     `readinto` from Python",
            rust: Some("pipe/raw_64k_floor"),
            python: Some("pipe/os_write_read"),
            unit: bytes,
            ..Row::TIMED
        },
        Row {
            section: "queues",
            title: "Queue, one producer process",
            detail: "chapter 5's `queue::<u64>()`, a producer process sends, the parent \
                     receives · `multiprocessing.Queue` with `put`/`get` · \
                     floor: one 16-byte `write` and one `read` per item",
            rust: Some("queue/small_items"),
            python: Some("queue/mp_queue"),
            floor: Some("queue/write_read_floor"),
            unit: Unit::Items,
        },
        Row {
            section: "queues",
            title: "Queue, shared-memory ring",
            detail: "chapter 5's `ring::<u64>(1024)`, a producer process sends, the parent \
                     receives · `multiprocessing.Queue` with `put`/`get` · \
                     floor: one 16-byte `write` and one `read` per item",
            rust: Some("queue/ring_items"),
            python: Some("queue/mp_queue"),
            floor: Some("queue/write_read_floor"),
            unit: Unit::Items,
        },
        Row {
            section: "counters",
            title: "Counter under a lock, 1 thread",
            detail: "`Mutex<u64>` · `with threading.Lock(): counter += 1`",
            rust: Some("counter/mutex_1"),
            python: Some("counter/lock_1"),
            ..Row::TIMED
        },
        Row {
            section: "counters",
            title: "Counter under a lock, 2 threads",
            detail: "the same, the increments split over two threads",
            rust: Some("counter/mutex_2"),
            python: Some("counter/lock_2"),
            ..Row::TIMED
        },
        Row {
            section: "counters",
            title: "Atomic counter, 1 thread",
            detail: "`AtomicU64::fetch_add` (Python has no atomic integer)",
            rust: Some("counter/atomic_1"),
            ..Row::TIMED
        },
        Row {
            section: "counters",
            title: "Atomic counter, 2 threads",
            detail: "the same, the increments split over two threads",
            rust: Some("counter/atomic_2"),
            ..Row::TIMED
        },
        Row {
            section: "cpu",
            title: "Primes, 1 thread",
            detail: "trial division of every number below 200 000 on one thread",
            rust: Some("cpu/threads_1"),
            python: Some("cpu/threads_1"),
            ..Row::TIMED
        },
        Row {
            section: "cpu",
            title: "Primes, 2 threads",
            detail: "the same numbers split over two threads (the GIL lets one Python \
                     thread run at a time)",
            rust: Some("cpu/threads_2"),
            python: Some("cpu/threads_2"),
            ..Row::TIMED
        },
        Row {
            section: "cpu",
            title: "Primes, 2 processes",
            detail: "Python's way around the GIL: `Pool(2).starmap` over the two shares, \
                     pool start included",
            python: Some("cpu/processes_2"),
            ..Row::TIMED
        },
        Row {
            section: "map",
            title: "map: process pool, 2 workers",
            detail: "chapter 7's process pool · `multiprocessing.Pool(2).map`; pools made \
                     before timing",
            rust: Some("map/process_pool"),
            python: Some("map/process_pool"),
            ..Row::TIMED
        },
        Row {
            section: "map",
            title: "map: shared-memory pool, 2 workers",
            detail: "chapter 7's shared-memory pool: items and results in shared memory, \
                     chunk numbers on the pipes · `multiprocessing.Pool(2).map`",
            rust: Some("map/shared_memory_pool"),
            python: Some("map/process_pool"),
            ..Row::TIMED
        },
        Row {
            section: "map",
            title: "map: thread pool, 2 workers",
            detail: "chapter 7's thread pool · `multiprocessing.pool.ThreadPool(2).map`",
            rust: Some("map/thread_pool"),
            python: Some("map/thread_pool"),
            ..Row::TIMED
        },
        Row {
            section: "map",
            title: "map: rayon",
            detail: "`par_iter().map(square).collect()` (no Python counterpart)",
            rust: Some("map/rayon"),
            ..Row::TIMED
        },
        Row {
            section: "map",
            title: "map: plain loop",
            detail: "`iter().map(square).collect()` · `[square(n) for n in range(10**6)]`",
            rust: Some("map/loop"),
            python: Some("map/list_comprehension"),
            ..Row::TIMED
        },
    ]
}

/// Which way a target's ratio must go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

/// A goal for the book's code, checked from a ratio of two times:
/// `ratio = time(slower_side) / time(faster_side)`, written so that the
/// bound reads like the sentence in `goal`.
#[derive(Debug, Clone)]
pub struct Target {
    pub goal: &'static str,
    /// The ratio is `time(numerator) / time(denominator)`.
    pub numerator: Measured,
    pub denominator: Measured,
    pub bound: Bound,
    /// What the ratio means, with `{}` for the number.
    pub reads: &'static str,
    /// The likely reason when it is missed, for the page.
    pub if_missed: &'static str,
}

pub fn targets() -> Vec<Target> {
    use Measured::{Python, Rust};
    vec![
        Target {
            goal: "Process start + join within 1.5× of bare fork/_exit/waitpid",
            numerator: Rust("process/process_start_join"),
            denominator: Rust("process/fork_floor"),
            bound: Bound::AtMost(1.5),
            reads: "{}× the floor's time",
            if_missed: "`Process::start` adds little to the three system calls \
                        (catching a panic in the child); a miss means noise from \
                        other work on the machine, so look at the load average",
        },
        Target {
            goal: "Pipe throughput at least 0.8× the bare write/read loop",
            numerator: Rust("pipe/raw_64k_floor"),
            denominator: Rust("pipe/framed_64k"),
            bound: Bound::AtLeast(0.8),
            reads: "{}× the floor's throughput",
            if_missed: "chapter 4's framing still copies each payload once on each \
                        side (postcard encodes it into the reused frame buffer; \
                        `recv` decodes an owned value out of it), reads the 4-byte \
                        header with a read of its own, and a frame of 64 KiB plus \
                        its header no longer fills the pipe's pages exactly, so the \
                        writer blocks once more per message; the bare loop moves \
                        the bytes with no copy at all",
        },
        Target {
            goal: "Framed bytes through a pipe at least as fast as Python's `send_bytes`",
            numerator: Python("pipe/send_bytes"),
            denominator: Rust("pipe/framed_64k"),
            bound: Bound::AtLeast(1.0),
            reads: "{}× the throughput of `send_bytes`",
            if_missed: "both sides write a length and the bytes and read them back into \
                        a fresh buffer, with the sender already running when the clock \
                        starts; a miss means an extra copy or an extra system call per \
                        message on the Rust side (look at `framing::send`/`recv`), or \
                        noise from other work on the machine",
        },
        Target {
            goal: "The Rust floor at least as fast as Python's `os.write`/`readinto` loop",
            numerator: Python("pipe/os_write_read"),
            denominator: Rust("pipe/raw_64k_floor"),
            bound: Bound::AtLeast(1.0),
            reads: "{}× the throughput of Python's bare loop",
            if_missed: "the two loops make the same system calls on the same 64 KiB \
                        blocks; Python adds an interpreter round per call. A floor that \
                        Python beats measures something else than the pipe: a fork or \
                        a join inside the clock, or a machine busy with other work",
        },
        Target {
            goal: "A framed `Vec<u8>` at least as fast as pickle on a pipe",
            numerator: Python("pipe/send_pickled"),
            denominator: Rust("pipe/framed_64k_vec"),
            bound: Bound::AtLeast(1.0),
            reads: "{}× pickle's throughput",
            if_missed: "both sides copy the bytes as one block through a frame buffer \
                        (`send_bytes` encodes them as serde bytes, pickle as a `bytes` \
                        object) and are then bound by the pipe, so a miss is noise from \
                        other work on the machine",
        },
        Target {
            goal: "Chapter 5's pipe queue at least 0.5× the items/s of its write/read floor",
            numerator: Rust("queue/write_read_floor"),
            denominator: Rust("queue/small_items"),
            bound: Bound::AtLeast(0.5),
            reads: "{}× the floor's items/s",
            if_missed: "the floor makes one `write` and one `read` per item; the queue \
                        adds a frame header, an encoding and its read lock. A miss means \
                        more system calls per item than the floor's two: a reader that \
                        takes one frame per `read` instead of draining what is there, or \
                        a lock taken per item",
        },
        Target {
            goal: "Chapter 5's shared-memory ring at least 30× the items/s of Python's \
                   multiprocessing.Queue",
            numerator: Python("queue/mp_queue"),
            denominator: Rust("queue/ring_items"),
            bound: Bound::AtLeast(30.0),
            reads: "{}× Python's items/s",
            if_missed: "the ring makes no system call while both sides keep up; \
                        a miss means they did not: on a loaded machine producer \
                        and consumer share a core, and each switch between them \
                        (a doorbell, a poll, a wake-up) costs microseconds",
        },
        Target {
            goal: "Chapter 7's pipe-based process pool: map(square) over 10^6 at least 20× \
                   faster than Python's Pool(2).map",
            numerator: Python("map/process_pool"),
            denominator: Rust("map/process_pool"),
            bound: Bound::AtLeast(20.0),
            reads: "{}× the speed of Python's",
            if_missed: "the pool sends each chunk of numbers down a pipe and the squares \
                        back; a miss means too many round trips (chunks too small) or \
                        an encoding per number instead of per chunk",
        },
        Target {
            goal: "Chapter 7's shared-memory pool: map(square) over 10^6 no slower than a \
                   plain loop on one thread",
            numerator: Rust("map/shared_memory_pool"),
            denominator: Rust("map/loop"),
            bound: Bound::AtMost(1.0),
            reads: "{}× the loop's time",
            if_missed: "squaring a number costs less than moving it: the pool pays a copy \
                        into shared memory, a copy out and a wake-up per chunk, which two \
                        cores must win back. A miss says the work per item is below the \
                        crossover the pools page measures",
        },
        Target {
            goal: "Chapter 7's shared-memory pool: map(square) over 10^6 within 2× of rayon",
            numerator: Rust("map/shared_memory_pool"),
            denominator: Rust("map/rayon"),
            bound: Bound::AtMost(2.0),
            reads: "{}× rayon's time",
            if_missed: "rayon squares the numbers where they lie; the pool copies them \
                        into shared memory and the results back out, and wakes a \
                        sleeping worker process for each chunk, where rayon's threads \
                        spin a little before they sleep. On a loaded machine each \
                        wake-up can wait for a core",
        },
        Target {
            goal: "A CPU-bound task on 2 threads at least 1.8× faster than on 1",
            numerator: Rust("cpu/threads_1"),
            denominator: Rust("cpu/threads_2"),
            bound: Bound::AtLeast(1.8),
            reads: "{}× the speed of 1 thread",
            if_missed: "two threads need two idle cores; on a 2-core machine any \
                        other running program takes one of them for part of the \
                        time (see the load average above)",
        },
    ]
}

/// How a target fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Met {
        ratio: f64,
    },
    /// `by` is how far off, as a fraction of the bound (0.2 = 20%).
    Missed {
        ratio: f64,
        by: f64,
    },
    NotMeasured,
}

impl Target {
    pub fn verdict(&self, results: &Results) -> Verdict {
        let (Some(num), Some(den)) = (results.get(self.numerator), results.get(self.denominator))
        else {
            return Verdict::NotMeasured;
        };
        let ratio = num / den;
        match self.bound {
            Bound::AtLeast(bound) if ratio >= bound => Verdict::Met { ratio },
            Bound::AtMost(bound) if ratio <= bound => Verdict::Met { ratio },
            Bound::AtLeast(bound) => Verdict::Missed {
                ratio,
                by: 1.0 - ratio / bound,
            },
            Bound::AtMost(bound) => Verdict::Missed {
                ratio,
                by: ratio / bound - 1.0,
            },
        }
    }
}

// ------------------------------------------------------------ formatting

/// Three significant digits, no exponent: 123, 12.3, 1.23, 0.123.
pub fn three_digits(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
}

/// A time per operation in ns, µs, ms or s.
pub fn format_time(seconds: f64) -> String {
    let (value, unit) = if seconds < 1e-6 {
        (seconds * 1e9, "ns")
    } else if seconds < 1e-3 {
        (seconds * 1e6, "µs")
    } else if seconds < 1.0 {
        (seconds * 1e3, "ms")
    } else {
        (seconds, "s")
    };
    format!("{} {unit}", three_digits(value))
}

/// Bytes per second in MiB/s or GiB/s.
pub fn format_bytes_rate(bytes_per_second: f64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let mib = bytes_per_second / MIB;
    if mib >= 1024.0 {
        format!("{} GiB/s", three_digits(mib / 1024.0))
    } else {
        format!("{} MiB/s", three_digits(mib))
    }
}

/// Items per second, with k or M.
pub fn format_items_rate(items_per_second: f64) -> String {
    if items_per_second >= 1e6 {
        format!("{} M items/s", three_digits(items_per_second / 1e6))
    } else if items_per_second >= 1e3 {
        format!("{} k items/s", three_digits(items_per_second / 1e3))
    } else {
        format!("{} items/s", three_digits(items_per_second))
    }
}

/// A ratio: `12.3×`.
pub fn format_ratio(ratio: f64) -> String {
    format!("{}×", three_digits(ratio))
}

/// Rust against Python, from the two times: "12.3× faster" or "1.5× slower".
pub fn versus(rust_seconds: f64, python_seconds: f64) -> String {
    let ratio = python_seconds / rust_seconds;
    if ratio >= 1.0 {
        format!("{} faster", format_ratio(ratio))
    } else {
        format!("{} slower", format_ratio(1.0 / ratio))
    }
}

/// Rust against the floor, as the reader would say it for this unit:
/// "1.07× its time" for times, "0.93× its rate" for rates.
pub fn against_floor(unit: Unit, rust_seconds: f64, floor_seconds: f64) -> String {
    if unit.higher_is_better() {
        format!("{} its rate", format_ratio(floor_seconds / rust_seconds))
    } else {
        format!("{} its time", format_ratio(rust_seconds / floor_seconds))
    }
}

// -------------------------------------------------------------- Markdown

const MISSING: &str = "—";

/// The whole `results.md`: machine, table, notes, targets. Pure: the same
/// results always give the same text.
pub fn render_markdown(results: &Results) -> String {
    let mut md = String::new();
    let m = &results.machine;
    let _ = writeln!(
        md,
        "<!-- Written by `cargo course bench` (tools/bench); do not edit by hand. -->\n"
    );
    let _ = writeln!(md, "**Machine.** {}\n", m.summary());
    let how = if results.mode == "criterion" {
        "Rust: criterion, median of the samples."
    } else {
        "Rust: the quick harness (`--quick`), median of a few fixed batches; \
         rougher than a full run."
    };
    let _ = writeln!(
        md,
        "**Method.** {how} Python: our harness, median of repeated runs timed \
         with `time.perf_counter`. Times are per operation.\n"
    );

    md.push_str("| Benchmark | Rust | Python | Floor | Rust vs Python | Rust vs floor |\n");
    md.push_str("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    let rows = rows();
    for section in SECTIONS {
        for row in rows.iter().filter(|r| r.section == section.name) {
            let measured = row.measured();
            let [rust, python, floor] = measured.map(|m| results.get(m?));
            let show = |s: Option<f64>, m: Option<Measured>| match s {
                Some(s) => row.unit.format(s),
                None if m.and_then(|m| results.why_not_measured(m)).is_some() => {
                    "not measured".to_string()
                }
                None => MISSING.to_string(),
            };
            let vs_python = match (rust, python) {
                (Some(r), Some(p)) => versus(r, p),
                _ => MISSING.to_string(),
            };
            let vs_floor = match (rust, floor) {
                (Some(r), Some(f)) => against_floor(row.unit, r, f),
                _ => MISSING.to_string(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                row.title,
                show(rust, measured[0]),
                show(python, measured[1]),
                show(floor, measured[2]),
                vs_python,
                vs_floor
            );
        }
    }

    for (group, when) in &results.measured_apart {
        let _ = writeln!(
            md,
            "\nThe `{group}` rows were measured on their own, not in the run above: {when}."
        );
    }
    if !results.not_measured.is_empty() {
        md.push_str("\nNot measured in this run:\n\n");
        for (key, why) in &results.not_measured {
            let (side, group) = key.split_once(':').unwrap_or(("", key));
            let side = if side == "python" { "Python" } else { "Rust" };
            let _ = writeln!(md, "- the {side} side of the `{group}` rows: {why}.");
        }
    }

    md.push_str("\nWhat each row runs (Rust · Python · floor):\n\n");
    for row in &rows {
        let _ = writeln!(md, "- **{}**: {}", row.title, row.detail);
    }

    if let Some(cold) = &results.cold_start {
        md.push('\n');
        md.push_str(&crate::cold_start::render_readers(cold));
    }
    md
}

/// The maintainers' page: every target with what was measured and, when it
/// was missed, by how much and the likely reason.
pub fn render_targets(results: &Results) -> String {
    let mut md = String::from(
        "<!-- Written by `cargo course bench` (tools/bench); do not edit by hand. -->\n\n\
         | Target | Measured | Verdict |\n| --- | ---: | --- |\n",
    );
    for target in targets() {
        let (measured, verdict) = match target.verdict(results) {
            Verdict::Met { ratio } => (
                target.reads.replace("{}", &three_digits(ratio)),
                "met".to_string(),
            ),
            Verdict::Missed { ratio, by } => (
                target.reads.replace("{}", &three_digits(ratio)),
                format!(
                    "**missed** by {}%: {}",
                    three_digits(by * 100.0),
                    target.if_missed
                ),
            ),
            Verdict::NotMeasured => (MISSING.to_string(), "not measured".to_string()),
        };
        let _ = writeln!(md, "| {} | {} | {} |", target.goal, measured, verdict);
    }
    md.push('\n');
    md.push_str(&crate::cold_start::render_budget(
        results.cold_start.as_ref(),
    ));
    md
}

// -------------------------------------------------------------- findings

/// The sentences of the results pages that quote a number, by anchor name.
/// A sentence whose numbers were not measured in this run says so.
pub fn findings(results: &Results) -> Vec<(&'static str, String)> {
    FINDINGS
        .iter()
        .chain(crate::mpi::FINDINGS)
        .map(|&name| {
            let sentence = finding(name, results).or_else(|| crate::mpi::finding(name, results));
            (
                name,
                sentence.unwrap_or_else(|| "(not measured in this run)".to_string()),
            )
        })
        .collect()
}

/// One sentence of [`findings`], or `None` when a number in it is missing.
fn finding(name: &str, results: &Results) -> Option<String> {
    use Measured::{Python, Rust};
    let get = |m| results.get(m);
    let time = |m| get(m).map(format_time);
    let rate = |m, unit: Unit| get(m).map(|s| unit.format(s));
    // How many times longer `a` takes than `b`.
    let times = |a, b| Some(format_ratio(get(a)? / get(b)?));
    let bytes = Unit::Bytes(MESSAGE_BYTES as f64);
    let per_number = |m| get(m).map(|s| format_time(s / crate::workloads::MAP_LEN as f64));
    let speedups: Vec<f64> = [
        (Rust("counter/mutex_1"), Python("counter/lock_1")),
        (Rust("cpu/threads_1"), Python("cpu/threads_1")),
        (Rust("map/loop"), Python("map/list_comprehension")),
    ]
    .into_iter()
    .filter_map(|(r, p)| Some(get(p)? / get(r)?))
    .collect();
    let low = speedups.iter().copied().fold(f64::INFINITY, f64::min);
    let high = speedups.iter().copied().fold(0.0, f64::max);
    let m = &results.machine;
    let first_load = |load: &str| load.split(',').next().unwrap_or("?").trim().to_string();
    match name {
        "machine" => Some(format!(
            "a {}-core machine whose load average was {} when the run started and {} \
             when it ended ({} would mean every core busy with other programs)",
            m.cores,
            first_load(&m.load_before),
            first_load(&m.load_after),
            m.cores
        )),
        "python_code_speedup" => (!speedups.is_empty())
            .then(|| format!("{} to {}", format_ratio(low), format_ratio(high))),
        "process_start_range" => Some(format!(
            "from {} (Rust's fork) to {} (Python's spawn)",
            time(Rust("process/fork_floor"))?,
            time(Python("process/mp_spawn"))?
        )),
        "thread_start" => Some(format!(
            "{} against {} in Rust, {} as long",
            time(Python("thread/spawn_join"))?,
            time(Rust("thread/spawn_join"))?,
            times(Python("thread/spawn_join"), Rust("thread/spawn_join"))?
        )),
        "process_vs_floor" => times(
            Rust("process/process_start_join"),
            Rust("process/fork_floor"),
        )
        .map(|r| format!("{r} the time of the bare calls")),
        "python_fork" => Some(format!(
            "{} against {} from Rust, {} as long",
            time(Python("process/os_fork"))?,
            time(Rust("process/fork_floor"))?,
            times(Python("process/os_fork"), Rust("process/fork_floor"))?
        )),
        "python_mp_fork" => time(Python("process/mp_fork")).map(|t| format!("{t} in all")),
        "spawn_forkserver" => Some(format!(
            "{} with forkserver, {} with spawn",
            time(Python("process/mp_forkserver"))?,
            time(Python("process/mp_spawn"))?
        )),
        "bin_true" => Some(format!(
            "{} from Rust, {} from Python",
            time(Rust("process/command_true"))?,
            time(Python("process/subprocess_true"))?
        )),
        "fork_vs_thread" => Some(format!(
            "{}, {} a thread's start",
            time(Rust("process/process_start_join"))?,
            times(
                Rust("process/process_start_join"),
                Rust("thread/spawn_join")
            )?
        )),
        "bare_pipe" => Some(format!(
            "{} from Rust, {} from Python",
            rate(Rust("pipe/raw_64k_floor"), bytes)?,
            rate(Python("pipe/os_write_read"), bytes)?
        )),
        "framing_vs_floor" => times(Rust("pipe/raw_64k_floor"), Rust("pipe/framed_64k"))
            .map(|r| format!("{r} the bare loop's rate")),
        "vec_vs_bytes" => Some(format!(
            "{} against {}: {} slower",
            rate(Rust("pipe/framed_64k_seq"), bytes)?,
            rate(Rust("pipe/framed_64k_vec"), bytes)?,
            times(Rust("pipe/framed_64k_seq"), Rust("pipe/framed_64k_vec"))?
        )),
        "vec_vs_pickle" => Some(format!(
            "{} against pickle's {}",
            rate(Rust("pipe/framed_64k_vec"), bytes)?,
            rate(Python("pipe/send_pickled"), bytes)?
        )),
        "queue" => Some(format!(
            "{} the items per second of `multiprocessing.Queue`, and {} the rate of one \
             `write` and one `read` per item",
            times(Python("queue/mp_queue"), Rust("queue/small_items"))?,
            times(Rust("queue/write_read_floor"), Rust("queue/small_items"))?
        )),
        "queue_floor" => get(Rust("queue/write_read_floor")).map(|s| {
            format!(
                "{} per item, so about {} per system call",
                format_time(s),
                format_time(s / 2.0)
            )
        }),
        "ring_queue" => Some(format!(
            "{}, {} the rate of `multiprocessing.Queue`, {} the rate of \
             the pipe queue and {} the rate of one `write` and one `read` per item",
            rate(Rust("queue/ring_items"), Unit::Items)?,
            times(Python("queue/mp_queue"), Rust("queue/ring_items"))?,
            times(Rust("queue/small_items"), Rust("queue/ring_items"))?,
            times(Rust("queue/write_read_floor"), Rust("queue/ring_items"))?
        )),
        "lock_costs" => Some(format!(
            "a `Mutex` costs {} when nobody else wants it, an atomic {}, and Python's \
             `with lock:` {}",
            time(Rust("counter/mutex_1"))?,
            time(Rust("counter/atomic_1"))?,
            time(Python("counter/lock_1"))?
        )),
        "contended_lock" => Some(format!(
            "{} per increment on two threads against {} on one",
            time(Rust("counter/mutex_2"))?,
            time(Rust("counter/mutex_1"))?
        )),
        "one_thread_speedup" => {
            times(Python("cpu/threads_1"), Rust("cpu/threads_1")).map(|r| format!("{r} faster"))
        }
        "gil_threads" => Some(format!(
            "{} on two threads against {} on one",
            time(Python("cpu/threads_2"))?,
            time(Python("cpu/threads_1"))?
        )),
        "rust_two_threads" => {
            times(Rust("cpu/threads_1"), Rust("cpu/threads_2")).map(|r| format!("{r} as fast"))
        }
        "python_two_processes" => Some(format!(
            "{}, {} the speed of one thread",
            time(Python("cpu/processes_2"))?,
            times(Python("cpu/threads_1"), Python("cpu/processes_2"))?
        )),
        "map_loop_rayon" => Some(format!(
            "{} for the loop, {} for rayon",
            time(Rust("map/loop"))?,
            time(Rust("map/rayon"))?
        )),
        "process_pool" => Some(format!(
            "{} faster than Python's `Pool(2).map`, {} rayon's time",
            times(Python("map/process_pool"), Rust("map/process_pool"))?,
            times(Rust("map/process_pool"), Rust("map/rayon"))?
        )),
        "pool_per_number" => Some(format!(
            "{} per number for chapter 7's thread pool, {} for its process pool, {} for \
             Python's `Pool(2)`, against {} for the plain loop",
            per_number(Rust("map/thread_pool"))?,
            per_number(Rust("map/process_pool"))?,
            per_number(Python("map/process_pool"))?,
            per_number(Rust("map/loop"))?
        )),
        "shared_memory_pool" => Some(format!(
            "{} per map, {} faster than Python's `Pool(2).map`, {} faster than the pipe \
             pool, {} rayon's time",
            time(Rust("map/shared_memory_pool"))?,
            times(Python("map/process_pool"), Rust("map/shared_memory_pool"))?,
            times(Rust("map/process_pool"), Rust("map/shared_memory_pool"))?,
            times(Rust("map/shared_memory_pool"), Rust("map/rayon"))?
        )),
        _ => None,
    }
}

/// The anchor names of [`findings`] for chapters 1 to 8, in the order of
/// findings.md; chapter 9's ([`crate::mpi::FINDINGS`]) follow them.
pub const FINDINGS: &[&str] = &[
    "machine",
    "python_code_speedup",
    "process_start_range",
    "thread_start",
    "process_vs_floor",
    "python_fork",
    "python_mp_fork",
    "spawn_forkserver",
    "bin_true",
    "fork_vs_thread",
    "bare_pipe",
    "framing_vs_floor",
    "vec_vs_bytes",
    "vec_vs_pickle",
    "queue",
    "queue_floor",
    "ring_queue",
    "lock_costs",
    "contended_lock",
    "one_thread_speedup",
    "gil_threads",
    "rust_two_threads",
    "python_two_processes",
    "map_loop_rayon",
    "process_pool",
    "pool_per_number",
    "shared_memory_pool",
];

/// findings.md: each sentence between mdBook's anchor markers, so that a
/// page includes it with `{{#include findings.md:<name>}}`.
pub fn render_findings(results: &Results) -> String {
    let mut md = String::from(
        "<!-- Written by `cargo course bench` (tools/bench) from results.json; do not edit \
         by hand. The results pages include these by anchor. -->\n",
    );
    for (name, sentence) in findings(results) {
        let _ = write!(
            md,
            "\n<!-- ANCHOR: {name} -->\n{sentence}\n<!-- ANCHOR_END: {name} -->\n"
        );
    }
    md
}
