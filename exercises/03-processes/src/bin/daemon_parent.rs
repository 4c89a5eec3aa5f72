//! Starts a daemon child, prints both pids, waits for stdin to close.
//! Try `kill -9 <parent pid>` from another terminal: the child goes too.
fn main() -> std::io::Result<()> {
    processes::demos::daemon::daemon_parent()
}
