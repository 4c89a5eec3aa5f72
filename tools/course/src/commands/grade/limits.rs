//! The limits each test run of a student's code gets.

use std::time::Duration;

use super::model::LimitsInfo;

/// Limits of one test process (and everything it starts).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall clock, per test run.
    pub wall: Duration,
    /// RLIMIT_CPU, per process: SIGXCPU at this many seconds of CPU time.
    pub cpu_seconds: u64,
    /// RLIMIT_AS, per process.
    pub memory_bytes: u64,
    /// RLIMIT_NPROC: processes and threads of the test's user.
    pub processes: u64,
    /// How much of each output stream is kept for the report.
    pub output_kept: usize,
    /// Past this many bytes of output (both streams), the run is killed.
    pub output_flood: u64,
    /// RLIMIT_FSIZE: the largest file a test may write.
    pub file_bytes: u64,
    /// RLIMIT_NOFILE: descriptors a test process may have open.
    pub open_files: u64,
    /// Size of each of the private tmpfs on /tmp and /dev/shm.
    pub tmp_bytes: u64,
    /// Wall clock of one compilation.
    pub compile: Duration,
    /// Wall clock of all the builds of one submission together.
    pub build_budget: Duration,
    /// RLIMIT_AS of cargo and of each rustc.
    pub build_memory_bytes: u64,
    /// RLIMIT_NPROC of a build (cargo, rustc and their threads).
    pub build_processes: u64,
    /// RLIMIT_FSIZE of a build.
    pub build_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            wall: Duration::from_secs(10),
            cpu_seconds: 20,
            memory_bytes: 1024 << 20,
            processes: 256,
            output_kept: 64 << 10,
            output_flood: 8 << 20,
            file_bytes: 64 << 20,
            open_files: 256,
            tmp_bytes: 64 << 20,
            compile: Duration::from_secs(600),
            build_budget: Duration::from_secs(1800),
            build_memory_bytes: 4096 << 20,
            build_processes: 512,
            build_file_bytes: 1 << 30,
        }
    }
}

impl Limits {
    /// The memory ceiling of one run, all its processes together (a control
    /// group, where the machine has them, see `cgroup.rs`): twice one
    /// process's limit, so that a test may fork a child as large as itself,
    /// but not two hundred of them.
    pub fn run_memory_bytes(&self, build: bool) -> u64 {
        2 * if build {
            self.build_memory_bytes
        } else {
            self.memory_bytes
        }
    }

    pub fn info(&self) -> LimitsInfo {
        LimitsInfo {
            wall_seconds: self.wall.as_secs_f64(),
            cpu_seconds: self.cpu_seconds,
            memory_mib: self.memory_bytes >> 20,
            processes: self.processes,
            output_kept_bytes: self.output_kept,
            output_flood_bytes: self.output_flood,
            compile_seconds: self.compile.as_secs_f64(),
            open_files: self.open_files,
            tmp_mib: self.tmp_bytes >> 20,
            build_budget_seconds: self.build_budget.as_secs_f64(),
            build_memory_mib: self.build_memory_bytes >> 20,
        }
    }

    /// "10s", "2.5s": a wall-clock limit as the reports show it.
    pub fn wall_text(&self) -> String {
        seconds_text(self.wall)
    }
}

pub fn seconds_text(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0}s")
    } else {
        format!("{secs:.1}s")
    }
}
