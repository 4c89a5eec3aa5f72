//! `cargo run -p pipes --bin pipe_capacity`: how many bytes a pipe holds
//! before a writer blocks.

use std::io;

use pipes::demos::large::{buffer_size, fill_until_full, max_buffer_size};

fn main() -> io::Result<()> {
    let (reader, writer) = io::pipe()?;
    println!(
        "PIPE_BUF (largest atomic write): {} bytes",
        nix::libc::PIPE_BUF
    );
    println!(
        "buffer of a new pipe (F_GETPIPE_SZ): {} bytes",
        buffer_size(&writer)?
    );
    println!(
        "largest buffer allowed (/proc/sys/fs/pipe-max-size): {} bytes",
        max_buffer_size()?
    );
    println!(
        "written before the pipe was full: {} bytes",
        fill_until_full(&writer)?
    );
    drop(reader);
    Ok(())
}
