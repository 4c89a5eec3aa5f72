//! Rank and size beside pid and `cpu_count`.

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// What one rank knows about itself and its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whoami {
    /// This copy's number in the group, 0 to `size - 1`: the address other
    /// ranks send to. Unlike a pid it is the same on every run.
    pub rank: i32,
    /// How many copies `mpirun` started.
    pub size: i32,
    /// The operating system's process id: only meaningful on this machine.
    pub pid: u32,
    /// The machine the rank runs on (MPI's processor name).
    pub host: String,
    /// Cores on this machine, what Python's `os.cpu_count()` says.
    pub cpus: usize,
}

// ANCHOR: whoami
/// Asks MPI who this copy of the program is.
pub fn whoami(world: &SimpleCommunicator) -> Whoami {
    Whoami {
        rank: world.rank(),
        size: world.size(),
        pid: std::process::id(),
        host: mpi::environment::processor_name().unwrap_or_else(|_| "?".into()),
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}
// ANCHOR_END: whoami

impl std::fmt::Display for Whoami {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rank {} of {}: pid {} on {} ({} cpus)",
            self.rank, self.size, self.pid, self.host, self.cpus
        )
    }
}
