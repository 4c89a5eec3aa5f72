//! WRONG: blocking `write_all` of the whole message, then `read_to_end`
//! EXPECT: deadlock: both sides blocked writing and nobody reading
//! CLAUSE: 1
//!
//! Fine while the messages fit in the pipes; with 4 MiB each way both sides
//! block in `write_all` and neither ever reads. No poll needed, it seems.

use std::io::{self, PipeReader, PipeWriter, Read, Write};

/// Sends `outgoing`, closes the writer, then reads until end-of-file.
pub fn exchange(
    mut writer: PipeWriter,
    mut reader: PipeReader,
    outgoing: &[u8],
) -> io::Result<Vec<u8>> {
    writer.write_all(outgoing)?;
    drop(writer); // the peer sees end-of-file
    let mut incoming = Vec::new();
    reader.read_to_end(&mut incoming)?;
    Ok(incoming)
}
