//! What the numbers were measured on: they mean little without it.

use std::process::Command;

use serde::{Deserialize, Serialize};

/// The machine, the toolchains and the moment of a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Machine {
    /// The CPU model, from `/proc/cpuinfo`.
    pub cpu: String,
    /// Cores this process may run on.
    pub cores: usize,
    /// Total memory, in GiB.
    pub memory_gib: f64,
    /// The kernel release.
    pub kernel: String,
    pub rustc: String,
    pub python: String,
    /// `date -u` at the start of the run.
    pub date: String,
    /// What `uptime` said at the start of the run: the load average tells
    /// whether other programs competed for the cores.
    pub load_before: String,
    /// The same at the end of the run.
    pub load_after: String,
}

impl Machine {
    /// One paragraph for the results page.
    pub fn summary(&self) -> String {
        format!(
            "{cpu}, {cores} cores, {memory:.0} GiB of memory; Linux {kernel}; {rustc}; \
             {python}; {date}. Load (`uptime`) before the run: {before}; after: {after}.",
            cpu = self.cpu,
            cores = self.cores,
            memory = self.memory_gib,
            kernel = self.kernel,
            rustc = self.rustc,
            python = self.python,
            date = self.date,
            before = self.load_before,
            after = self.load_after,
        )
    }
}

/// Describes this machine. `python` is filled in later, from the harness.
pub fn describe() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    Machine {
        cpu: cpu_model(&cpuinfo).unwrap_or_else(|| "unknown CPU".into()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_gib: memory_kib(&meminfo).map_or(0.0, |kib| kib as f64 / (1024.0 * 1024.0)),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into()),
        rustc: command_output("rustc", &["--version"]),
        python: String::new(),
        date: command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        load_before: load(),
        load_after: String::new(),
    }
}

/// The load averages over 1, 5 and 15 minutes, as `uptime` prints them.
pub fn load() -> String {
    let uptime = command_output("uptime", &[]);
    match uptime.split_once("load average:") {
        Some((_, averages)) => averages.trim().to_string(),
        None => uptime,
    }
}

/// The first `model name` line of `/proc/cpuinfo`.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, model)| model.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `MemTotal` from `/proc/meminfo`, in KiB.
pub fn memory_kib(meminfo: &str) -> Option<u64> {
    meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| format!("({program} unavailable)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cpu_model_and_memory() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Intel(R)  Xeon(R) Processor\nflags\t: fpu\n";
        assert_eq!(
            cpu_model(cpuinfo).as_deref(),
            Some("Intel(R) Xeon(R) Processor")
        );
        assert_eq!(
            memory_kib("MemTotal:       24684092 kB\nMemFree: 1 kB\n"),
            Some(24684092)
        );
        assert_eq!(cpu_model("processor: 0\n"), None);
    }
}
