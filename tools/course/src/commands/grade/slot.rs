//! Grading slots: a slot is a dedicated uid (61000 + slot) and a build
//! directory, held by one grader process at a time through a lock file.
//!
//! Graders running at the same time (a class graded in parallel, or several
//! teachers on one machine) must never share a uid: `kill(-1)` as that uid
//! kills everything it owns, and RLIMIT_NPROC counts everything it owns. The
//! locks live in the machine's temporary folder, not in the repository, so
//! that two repositories on one machine do not hand out the same uid.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::PathBuf;

use anyhow::{Context, Result, bail, ensure};
use nix::fcntl::{Flock, FlockArg};

/// The uid of slot 0. Slots go up to `FIRST_UID + SLOTS - 1`.
pub const FIRST_UID: u32 = 61000;
/// How many graders may run at once on one machine.
pub const SLOTS: usize = 64;

/// A slot held by this process until it is dropped.
#[derive(Debug)]
pub struct Slot {
    pub index: usize,
    _lock: Flock<File>,
}

impl Slot {
    pub fn uid(&self) -> u32 {
        FIRST_UID + self.index as u32
    }
}

/// A private folder of the grader in the machine's temporary folder, checked
/// to belong to us (a student's code could have planted a link there).
pub fn grader_tmp() -> Result<PathBuf> {
    private_dir(&std::env::temp_dir(), "cargo-course-grade")
}

/// `<parent>/<name>-<euid>`, created 0700 if missing, and checked to be a
/// real folder of this user (a world-writable parent such as /var/tmp lets
/// anyone plant a link or a folder of their own there first).
pub fn private_dir(parent: &std::path::Path, name: &str) -> Result<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    // One folder per user: only root hands out dedicated uids, and a folder
    // shared with other users would be theirs to tamper with.
    let euid = nix::unistd::geteuid().as_raw();
    let dir = parent.join(format!("{name}-{euid}"));
    let created = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    if let Err(error) = created
        && error.kind() != std::io::ErrorKind::AlreadyExists
    {
        return Err(error).with_context(|| format!("cannot create {}", dir.display()));
    }
    let meta = std::fs::symlink_metadata(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?;
    ensure!(
        meta.is_dir() && meta.uid() == euid,
        "{} is not a folder owned by this user: remove it (something else created it)",
        dir.display()
    );
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(dir)
}

/// Takes the first free slot.
pub fn acquire() -> Result<Slot> {
    let dir = grader_tmp()?;
    for index in 0..SLOTS {
        let path = dir.join(format!("slot-{index}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot open the slot lock {}", path.display()))?;
        if let Ok(lock) = Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            return Ok(Slot { index, _lock: lock });
        }
    }
    bail!("all {SLOTS} grading slots are taken: too many graders are running on this machine")
}
