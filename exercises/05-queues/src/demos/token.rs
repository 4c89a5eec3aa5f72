//! A semaphore between processes, made of a pipe: GNU make's jobserver trick.
//!
//! The pipe holds one byte per free token. `acquire` reads a byte, blocking
//! while the pipe is empty; `release` writes one back. The kernel's pipe lock
//! makes both atomic, `fork` shares the pipe with every child, and nothing
//! needs shared memory. With one token it is a lock, but not one to use
//! where a process may die holding it: the token dies with it (see
//! [`super::file_lock`]).

use std::io::{self, PipeReader, PipeWriter, Read, Write};

// ANCHOR: token_pipe
/// A counting semaphore shared by every process that inherits it.
#[derive(Debug)]
pub struct TokenPipe {
    tokens: PipeReader,
    returns: PipeWriter,
}

impl TokenPipe {
    // ANCHOR: acquire_release
    /// A semaphore holding `tokens` tokens (at most 4096, so that they fit
    /// in the pipe's buffer without blocking this constructor).
    pub fn new(tokens: usize) -> io::Result<TokenPipe> {
        assert!(tokens <= 4096, "a token pipe holds at most 4096 tokens");
        let (reader, mut writer) = io::pipe()?;
        writer.write_all(&vec![b'+'; tokens])?;
        Ok(TokenPipe {
            tokens: reader,
            returns: writer,
        })
    }

    /// Takes a token, waiting until one is free.
    pub fn acquire(&self) -> io::Result<()> {
        let mut token = [0u8; 1];
        loop {
            match (&self.tokens).read(&mut token) {
                Ok(1) => return Ok(()),
                Ok(_) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Gives a token back, waking one waiting `acquire`.
    pub fn release(&self) -> io::Result<()> {
        (&self.returns).write_all(b"+")
    }
    // ANCHOR_END: acquire_release

    /// Takes a token, waiting until one is free, and returns a guard that
    /// gives it back when dropped: on return, on `?` and on panic alike.
    pub fn take(&self) -> io::Result<Token<'_>> {
        self.acquire()?;
        Ok(Token { pipe: self })
    }
}

/// A token taken from a [`TokenPipe`]. Dropping it gives the token back.
#[derive(Debug)]
#[must_use = "the token goes back as soon as it is dropped"]
pub struct Token<'a> {
    pipe: &'a TokenPipe,
}

impl Token<'_> {
    /// Leaves the token out of the pipe: somebody else will give it back (a
    /// bounded queue's consumer gives back the slot its item took).
    pub fn keep(self) {
        std::mem::forget(self);
    }
}

impl Drop for Token<'_> {
    fn drop(&mut self) {
        // One byte into a pipe whose read end we hold ourselves: it cannot
        // fail with EPIPE, and holds at most as many bytes as tokens exist.
        let _ = self.pipe.release();
    }
}
// ANCHOR_END: token_pipe

impl TokenPipe {
    /// Another handle on the same tokens (duplicated descriptors).
    pub fn try_clone(&self) -> io::Result<TokenPipe> {
        Ok(TokenPipe {
            tokens: self.tokens.try_clone()?,
            returns: self.returns.try_clone()?,
        })
    }

    /// Runs `f` holding a token, and gives the token back however `f` ends:
    /// with a value, an error or a panic. Not if this *process* dies
    /// meanwhile: for a lock between processes, see
    /// [`FileLock`](super::file_lock::FileLock).
    pub fn with<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        let _token = self.take()?;
        f()
    }
}

impl TokenPipe {
    /// How many tokens are free right now (`ioctl(FIONREAD)`): a snapshot,
    /// for tests and diagnostics.
    pub fn available(&self) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        let mut bytes: nix::libc::c_int = 0;
        // SAFETY: FIONREAD on a pipe writes exactly one `c_int` (the bytes
        // ready to read) through its third argument, and `bytes` is a live,
        // aligned, writable `c_int` for the whole call; the descriptor is
        // owned by `self.tokens`, so it is open.
        let rc =
            unsafe { nix::libc::ioctl(self.tokens.as_raw_fd(), nix::libc::FIONREAD, &mut bytes) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(bytes as usize)
    }
}
