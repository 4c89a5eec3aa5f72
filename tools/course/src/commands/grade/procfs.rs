//! The processes of the machine, as /proc shows them: whom to count and whom
//! to kill after a test run.

use std::collections::BTreeMap;

/// One process (thread-group leader) read from `/proc/<pid>/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Every process /proc lists now. Processes that exit while we read are
/// skipped.
pub fn all_processes() -> Vec<ProcessInfo> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(read_status)
        .collect()
}

fn read_status(pid: i32) -> Option<ProcessInfo> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status(pid, &text)
}

/// Reads the fields we need from the text of `/proc/<pid>/status`.
pub fn parse_status(pid: i32, text: &str) -> Option<ProcessInfo> {
    let mut info = ProcessInfo {
        pid,
        ppid: 0,
        uid: u32::MAX,
        state: '?',
        command: String::new(),
        threads: 1,
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "Name" => info.command = value.to_string(),
            "State" => info.state = value.chars().next().unwrap_or('?'),
            "PPid" => info.ppid = value.parse().ok()?,
            // Real, effective, saved, filesystem: RLIMIT_NPROC counts the real one.
            "Uid" => info.uid = value.split_whitespace().next()?.parse().ok()?,
            "Threads" => info.threads = value.parse().ok()?,
            _ => {}
        }
    }
    (info.uid != u32::MAX).then_some(info)
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
    let mut children: BTreeMap<i32, Vec<&ProcessInfo>> = BTreeMap::new();
    for process in &all {
        children.entry(process.ppid).or_default().push(process);
    }
    let mut found = Vec::new();
    let mut pending = vec![ancestor];
    while let Some(parent) = pending.pop() {
        for child in children.get(&parent).into_iter().flatten() {
            if child.pid != ancestor && !found.iter().any(|f: &ProcessInfo| f.pid == child.pid) {
                pending.push(child.pid);
                found.push((*child).clone());
            }
        }
    }
    found
}

/// Threads of the given processes: what RLIMIT_NPROC counts.
pub fn thread_count(processes: &[ProcessInfo]) -> u64 {
    processes.iter().map(|p| p.threads).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read() {
        let text = "Name:\tordered_results\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\n\
                    PPid:\t7\nUid:\t61000\t61000\t61000\t61000\nThreads:\t3\n";
        let info = parse_status(42, text).unwrap();
        assert_eq!(info.command, "ordered_results");
        assert_eq!(
            (info.ppid, info.uid, info.state, info.threads),
            (7, 61000, 'S', 3)
        );
    }
}
