//! A lock between processes that the kernel releases when its holder dies.
//!
//! A [`TokenPipe`](super::token::TokenPipe) with one token is a lock, with a
//! flaw that matters between processes: the token is a byte that the holder
//! took out of a pipe, and a holder killed before it writes the byte back
//! takes the token to its grave. Every other process then waits for ever.
//!
//! `flock(2)` has no such flaw. Its lock belongs to an *open file
//! description* (what `open` creates, and what `dup` and `fork` share), and
//! the kernel drops it when the last descriptor of that description is
//! closed. A process that dies has all its descriptors closed by the kernel,
//! so its locks go with it, whatever it was doing.
//!
//! "When the last descriptor closes" is also the catch: a holder that forks
//! while it holds the lock gives its child a descriptor of the same open file
//! description, and the lock then lives until *both* have closed it. The
//! holder's death alone no longer frees it. Nothing here can prevent that
//! (Linux has no close-on-fork flag): fork only where no lock is held, as
//! [`super::queue`] does.

use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsRawFd, RawFd};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::sys::memfd::{MFdFlags, memfd_create};

// ANCHOR: file_lock
/// A lock shared by every process that inherits it, released by the kernel
/// when a holder dies, unless the holder forked while holding it (the child
/// then holds it too, until it closes its copy or dies as well).
#[derive(Debug)]
pub struct FileLock {
    /// An empty anonymous file: only its identity matters.
    file: File,
}

/// Proof that this thread holds a [`FileLock`]; dropping it unlocks.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct FileLockGuard {
    _held: Flock<File>,
}

impl FileLock {
    /// A new, unlocked lock.
    pub fn new() -> io::Result<FileLock> {
        let fd = memfd_create(c"file-lock", MFdFlags::MFD_CLOEXEC)?;
        Ok(FileLock {
            file: File::from(fd),
        })
    }

    /// Waits for the lock and takes it.
    ///
    /// Each call opens the file anew (through `/proc/self/fd`), so that each
    /// holder has an open file description of its own. Locking the inherited
    /// descriptor itself would not do: a parent and the children forked from
    /// it share that description, and `flock` would let all of them in.
    pub fn lock(&self) -> io::Result<FileLockGuard> {
        let path = format!("/proc/self/fd/{}", self.file.as_raw_fd());
        let mut own = OpenOptions::new().read(true).open(path)?; // close-on-exec
        loop {
            match Flock::lock(own, FlockArg::LockExclusive) {
                Ok(held) => return Ok(FileLockGuard { _held: held }),
                Err((file, Errno::EINTR)) => own = file,
                Err((_, errno)) => return Err(errno.into()),
            }
        }
    }

    /// Takes the lock if it is free, without waiting: `None` if another
    /// open file description holds it.
    pub fn try_lock(&self) -> io::Result<Option<FileLockGuard>> {
        let path = format!("/proc/self/fd/{}", self.file.as_raw_fd());
        let own = OpenOptions::new().read(true).open(path)?;
        match Flock::lock(own, FlockArg::LockExclusiveNonblock) {
            Ok(held) => Ok(Some(FileLockGuard { _held: held })),
            Err((_, Errno::EWOULDBLOCK)) => Ok(None),
            Err((_, errno)) => Err(errno.into()),
        }
    }

    /// Runs `f` holding the lock; the lock is released when `f` returns,
    /// fails or panics, and by the kernel if this process dies meanwhile.
    pub fn with<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        let _guard = self.lock()?;
        f()
    }
}
// ANCHOR_END: file_lock

/// An open file description of a [`FileLock`] of one's own, opened once and
/// kept, for a caller that locks often (a queue's consumer takes the lock
/// for every item: opening the file each time costs more than the rest of
/// its `recv`). Not `Sync`: two threads locking through one description
/// would both get in. A copy made by `fork` shares the description with its
/// parent, so in another process `with` opens a fresh one for the call.
#[derive(Debug)]
pub struct LockHandle {
    own: File,
    opened_by: u32,
    not_sync: PhantomData<Cell<()>>,
}

impl FileLock {
    /// A handle with an open file description of its own.
    pub fn handle(&self) -> io::Result<LockHandle> {
        let path = format!("/proc/self/fd/{}", self.file.as_raw_fd());
        Ok(LockHandle {
            own: OpenOptions::new().read(true).open(path)?, // close-on-exec
            opened_by: std::process::id(),
            not_sync: PhantomData,
        })
    }
}

impl LockHandle {
    /// Runs `f` holding `lock` (the lock this handle was made from), like
    /// [`FileLock::with`].
    pub fn with<R>(&self, lock: &FileLock, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        if std::process::id() != self.opened_by {
            return lock.with(f); // a forked copy: the description is shared
        }
        let fd = self.own.as_raw_fd();
        // SAFETY: `flock(2)` on a descriptor that `self.own` keeps open;
        // it touches no memory of ours.
        while unsafe { nix::libc::flock(fd, nix::libc::LOCK_EX) } != 0 {
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
        /// Unlocks when dropped: on return, on `?` and on panic alike.
        struct Unlock(RawFd);
        impl Drop for Unlock {
            fn drop(&mut self) {
                // SAFETY: as above; `LOCK_UN` on a description we locked.
                unsafe { nix::libc::flock(self.0, nix::libc::LOCK_UN) };
            }
        }
        let _unlock = Unlock(fd);
        f()
    }
}
