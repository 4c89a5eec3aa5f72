//! The processes of the machine, as /proc shows them: whom to count and whom
//! to kill after a test run.

use serde::{Deserialize, Serialize};
use testkit::proc::Task;

/// One process (thread-group leader) read from `/proc/<pid>/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessInfo {
    pub pid: i32,
    pub ppid: i32,
    /// The real uid.
    pub uid: u32,
    /// `R`, `S`, `Z`, ...
    pub state: char,
    pub command: String,
    /// Its threads: each counts against RLIMIT_NPROC.
    pub threads: u64,
}

impl std::fmt::Display for ProcessInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.state == 'Z' {
            "a zombie nobody waited for"
        } else {
            "still running"
        };
        write!(f, "pid {} ({}), {what}", self.pid, self.command)
    }
}

/// Every process /proc lists now (read through testkit's reader, the one
/// the tests use). Processes that exit while we read are skipped.
pub fn all_processes() -> Vec<ProcessInfo> {
    testkit::proc::pids()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|pid| {
            let status = Task::process(pid).status()?;
            Some(ProcessInfo {
                pid,
                ppid: status.ppid,
                uid: status.uid,
                state: status.state,
                command: status.name,
                threads: status.threads,
            })
        })
        .collect()
}

/// The processes whose real uid is `uid`.
pub fn processes_of_uid(uid: u32) -> Vec<ProcessInfo> {
    all_processes()
        .into_iter()
        .filter(|p| p.uid == uid)
        .collect()
}

/// The descendants of `ancestor` (children, their children, ...), not
/// `ancestor` itself.
pub fn descendants_of(ancestor: i32) -> Vec<ProcessInfo> {
    let all = all_processes();
    let mut found: Vec<ProcessInfo> = Vec::new();
    let mut pending = vec![ancestor];
    while let Some(parent) = pending.pop() {
        for child in all.iter().filter(|p| p.ppid == parent && p.pid != ancestor) {
            if !found.iter().any(|f| f.pid == child.pid) {
                pending.push(child.pid);
                found.push(child.clone());
            }
        }
    }
    found
}

/// Threads of the given processes: what RLIMIT_NPROC counts.
pub fn thread_count(processes: &[ProcessInfo]) -> u64 {
    processes.iter().map(|p| p.threads).sum()
}
