//! The quick tour: children print their pid and their parent's pid.
fn main() -> std::io::Result<()> {
    processes::demos::sources::pid_ppid()
}
