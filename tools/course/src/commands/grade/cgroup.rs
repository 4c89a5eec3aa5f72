//! A memory ceiling for a whole run: every process of one build or one test
//! together, through the kernel's memory control group.
//!
//! `RLIMIT_AS` bounds each process on its own, so a submission that forks
//! could hold the limit once per process: 200 children of 1 GiB each would
//! take the machine down with it. A control group bounds their sum (the
//! tmpfs pages they write included), and when the sum reaches the ceiling
//! the kernel's OOM killer ends a process *of the group*, not of the machine.
//! The grader reads afterwards whether that happened, and says "memory
//! limit".
//!
//! Both layouts are handled: cgroup v2 (one tree: `memory.max`,
//! `memory.swap.max`, `memory.events`) and v1 (a `memory` hierarchy:
//! `memory.limit_in_bytes`, `memory.memsw.limit_in_bytes`,
//! `memory.oom_control`). Where neither can be written (not root, or a
//! container that hides them), there is no ceiling, and the sandbox lists
//! that among the protections that are off.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Where the kernel shows control groups.
const ROOT: &str = "/sys/fs/cgroup";
/// The folder, in the memory hierarchy, that holds the grader's groups.
const PARENT: &str = "course-grade";

/// The files of one layout of the memory controller.
#[derive(Debug)]
struct Layout {
    /// The memory hierarchy, under [`ROOT`].
    hierarchy: &'static str,
    /// The ceiling, in bytes.
    limit: &'static str,
    /// What swap may add (present only with swap accounting), and the value
    /// that adds nothing: v2 counts swap on its own, v1 memory and swap
    /// together.
    swap: &'static str,
    swap_is_total: bool,
    /// The file whose `oom_kill` line counts the OOM killer's kills.
    events: &'static str,
}

const V2: Layout = Layout {
    hierarchy: "",
    limit: "memory.max",
    swap: "memory.swap.max",
    swap_is_total: false,
    events: "memory.events",
};

const V1: Layout = Layout {
    hierarchy: "memory",
    limit: "memory.limit_in_bytes",
    swap: "memory.memsw.limit_in_bytes",
    swap_is_total: true,
    events: "memory.oom_control",
};

/// One run's memory group. Dropping it removes the group (once its
/// processes are gone, which they are when a run ends: init kills what is
/// left of its PID namespace).
#[derive(Debug)]
pub struct MemoryGroup {
    dir: PathBuf,
    layout: &'static Layout,
}

impl MemoryGroup {
    /// A new group capped at `bytes`, named after this grader and a counter;
    /// or why there can be none here.
    pub fn create(bytes: u64) -> Result<MemoryGroup, String> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (parent, layout) = parent()?;
        let dir = parent.join(name);
        std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // No way around the ceiling through swap.
        let swap = if layout.swap_is_total { bytes } else { 0 };
        for (file, value) in [(layout.limit, bytes), (layout.swap, swap)] {
            let path = dir.join(file);
            if file == layout.swap && !path.exists() {
                continue;
            }
            std::fs::write(&path, value.to_string())
                .map_err(|e| format!("cannot write {value} to {}: {e}", path.display()))?;
        }
        Ok(MemoryGroup { dir, layout })
    }

    /// The file that a process writes `0` to, to move itself into the
    /// group (its children, forked after, start in it).
    pub fn procs(&self) -> PathBuf {
        self.dir.join("cgroup.procs")
    }

    /// Whether the kernel's OOM killer ended a process of the group.
    pub fn oom_killed(&self) -> bool {
        let text = std::fs::read_to_string(self.dir.join(self.layout.events)).unwrap_or_default();
        counter(&text, "oom_kill").is_some_and(|n| n > 0)
    }
}

impl Drop for MemoryGroup {
    fn drop(&mut self) {
        // A process that was just killed may take a moment to leave.
        for _ in 0..50 {
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!(
            "warning: the control group {} could not be removed",
            self.dir.display()
        );
    }
}

/// The folder that holds the grader's groups, created if needed, and the
/// layout of its tree.
fn parent() -> Result<(PathBuf, &'static Layout), String> {
    let root = Path::new(ROOT);
    let v2 = std::fs::read_to_string(root.join("cgroup.controllers"))
        .is_ok_and(|controllers| controllers.split_whitespace().any(|c| c == "memory"));
    let layout = if v2 { &V2 } else { &V1 };
    let hierarchy = root.join(layout.hierarchy);
    if !v2 && !hierarchy.join(layout.limit).exists() {
        return Err(format!(
            "no memory controller under {ROOT} (neither cgroup v2 with memory nor a v1 \
             memory hierarchy)"
        ));
    }
    let parent = hierarchy.join(PARENT);
    if !parent.is_dir() {
        std::fs::create_dir(&parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    if v2 {
        // v2 gives a group's children a controller only if the group
        // enables it for them (and the group holds no process itself).
        for dir in [root, parent.as_path()] {
            let control = dir.join("cgroup.subtree_control");
            std::fs::write(&control, "+memory")
                .map_err(|e| format!("cannot enable memory in {}: {e}", control.display()))?;
        }
    }
    Ok((parent, layout))
}

/// The number after `key` on its own line of a `key value` file.
fn counter(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_oom_kill_counter_of_either_layout() {
        let v1 = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
        let v2 = "low 0\nhigh 0\nmax 14\noom 1\noom_kill 1\n";
        assert_eq!(counter(v1, "oom_kill"), Some(2));
        assert_eq!(counter(v2, "oom_kill"), Some(1));
        assert_eq!(counter("oom_kill_disable 0\n", "oom_kill"), None);
    }
}
