//! A semaphore between processes, made of a pipe: GNU make's jobserver trick.
//!
//! The pipe holds one byte per free token. `acquire` reads a byte, blocking
//! while the pipe is empty; `release` writes one back. The kernel's pipe lock
//! makes both atomic, `fork` shares the pipe with every child, and nothing
//! needs shared memory. With one token it is a lock.

use std::io::{self, PipeReader, PipeWriter, Read, Write};

// ANCHOR: token_pipe
/// A counting semaphore shared by every process that inherits it.
#[derive(Debug)]
pub struct TokenPipe {
    tokens: PipeReader,
    returns: PipeWriter,
}

impl TokenPipe {
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

    /// Runs `f` holding a token, and gives the token back even if `f` fails.
    pub fn with<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.acquire()?;
        let outcome = f();
        self.release()?;
        outcome
    }
}

impl TokenPipe {
    /// How many tokens are free right now (`ioctl(FIONREAD)`): a snapshot,
    /// for tests and diagnostics.
    pub fn available(&self) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        let mut bytes: nix::libc::c_int = 0;
        // SAFETY: FIONREAD writes one c_int through the pointer we pass.
        let rc =
            unsafe { nix::libc::ioctl(self.tokens.as_raw_fd(), nix::libc::FIONREAD, &mut bytes) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(bytes as usize)
    }
}
