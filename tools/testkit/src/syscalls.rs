//! The system call numbers the tests read in `/proc/<pid>/task/<tid>/syscall`,
//! for the architectures this crate knows: x86_64 and aarch64.
//!
//! The kernel reports the number of the call a thread sleeps in, and that
//! number depends on the architecture (`read` is 0 on x86_64, 63 on
//! aarch64; aarch64 has no `poll`, `select` or `pause` at all: its C library
//! calls `ppoll`, `pselect6` and `ppoll`/`rt_sigsuspend` instead). The tables
//! below are written out per architecture, and a unit test checks them
//! against the `libc` crate's constants on the machine that runs it.
//!
//! On any other architecture [`table`] is `None`, and every test that needs
//! it says so in words ([`unsupported`]) instead of misjudging a thread.

/// What a thread sleeping in a call waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `futex`: a lock, a Condvar, a channel, `park` or `join`.
    Futex,
    /// `nanosleep`, `clock_nanosleep`: time passing (`thread::sleep`).
    Timer,
    /// A descriptor becoming ready, a child ending, a signal arriving: a
    /// wait that something outside the thread ends (`read`, `poll`,
    /// `waitid`, `rt_sigtimedwait`, `accept`, ...).
    Event,
    /// Blocked writing (a full pipe) or locking a file.
    Other,
}

/// One system call: its name, its number on this architecture, and what a
/// thread asleep in it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syscall {
    pub name: &'static str,
    pub number: i64,
    pub kind: Kind,
}

const fn call(name: &'static str, number: i64, kind: Kind) -> Syscall {
    Syscall { name, number, kind }
}

use Kind::{Event, Futex, Other, Timer};

#[cfg(target_arch = "x86_64")]
const TABLE: Option<&[Syscall]> = Some(&[
    call("read", 0, Event),
    call("write", 1, Other),
    call("poll", 7, Event),
    call("readv", 19, Event),
    call("writev", 20, Other),
    call("select", 23, Event),
    call("pause", 34, Event),
    call("nanosleep", 35, Timer),
    call("accept", 43, Event),
    call("recvfrom", 45, Event),
    call("recvmsg", 47, Event),
    call("wait4", 61, Event),
    call("fcntl", 72, Other),
    call("flock", 73, Other),
    call("rt_sigtimedwait", 128, Event),
    call("rt_sigsuspend", 130, Event),
    call("futex", 202, Futex),
    call("clock_nanosleep", 230, Timer),
    call("epoll_wait", 232, Event),
    call("waitid", 247, Event),
    call("pselect6", 270, Event),
    call("ppoll", 271, Event),
    call("epoll_pwait", 281, Event),
    call("accept4", 288, Event),
    call("epoll_pwait2", 441, Event),
]);

#[cfg(target_arch = "aarch64")]
const TABLE: Option<&[Syscall]> = Some(&[
    call("epoll_pwait", 22, Event),
    call("fcntl", 25, Other),
    call("flock", 32, Other),
    call("read", 63, Event),
    call("write", 64, Other),
    call("readv", 65, Event),
    call("writev", 66, Other),
    call("pselect6", 72, Event),
    call("ppoll", 73, Event),
    call("waitid", 95, Event),
    call("futex", 98, Futex),
    call("nanosleep", 101, Timer),
    call("clock_nanosleep", 115, Timer),
    call("rt_sigsuspend", 133, Event),
    call("rt_sigtimedwait", 137, Event),
    call("accept", 202, Event),
    call("recvfrom", 207, Event),
    call("recvmsg", 212, Event),
    call("accept4", 242, Event),
    call("wait4", 260, Event),
    call("epoll_pwait2", 441, Event),
]);

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const TABLE: Option<&[Syscall]> = None;

/// The calls this crate knows on this architecture, or `None` on an
/// architecture it does not know.
pub fn table() -> Option<&'static [Syscall]> {
    TABLE
}

/// Why a test that reads system call numbers cannot judge here.
pub fn unsupported() -> String {
    format!(
        "this machine's architecture ({}) is not one whose system call numbers testkit knows \
         (x86_64, aarch64), so it cannot tell what a thread waits in; the test cannot judge. \
         Run the tests on x86_64 or aarch64 Linux, or add this architecture's numbers to \
         tools/testkit/src/syscalls.rs",
        std::env::consts::ARCH
    )
}

/// The call numbered `number` on this architecture, if the table knows it.
pub fn by_number(number: i64) -> Option<Syscall> {
    table()?.iter().copied().find(|c| c.number == number)
}

/// The name of call `number`, or the number itself if the table does not
/// know it (for messages).
pub fn name_of(number: i64) -> String {
    by_number(number).map_or_else(|| format!("system call {number}"), |c| c.name.to_string())
}

/// The number of the call called `name` on this architecture.
pub fn number_of(name: &str) -> Option<i64> {
    table()?.iter().find(|c| c.name == name).map(|c| c.number)
}

/// Whether a thread asleep in call `number` is waiting: for time (a sleep),
/// for a descriptor, a child or a signal. Not a lock wait (`futex`: a thread
/// may block on a lock before it reaches the call a test is interested in)
/// and not a blocked write.
pub fn is_waiting(number: i64) -> bool {
    by_number(number).is_some_and(|c| matches!(c.kind, Event | Timer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::libc;

    #[test]
    fn the_table_matches_the_libc_constants_of_this_architecture() {
        let Some(table) = table() else {
            return; // nothing to check: `unsupported` speaks for it
        };
        let mut known: Vec<(&str, i64)> = vec![
            ("read", libc::SYS_read),
            ("write", libc::SYS_write),
            ("readv", libc::SYS_readv),
            ("writev", libc::SYS_writev),
            ("nanosleep", libc::SYS_nanosleep),
            ("clock_nanosleep", libc::SYS_clock_nanosleep),
            ("accept", libc::SYS_accept),
            ("accept4", libc::SYS_accept4),
            ("recvfrom", libc::SYS_recvfrom),
            ("recvmsg", libc::SYS_recvmsg),
            ("wait4", libc::SYS_wait4),
            ("waitid", libc::SYS_waitid),
            ("fcntl", libc::SYS_fcntl),
            ("flock", libc::SYS_flock),
            ("rt_sigtimedwait", libc::SYS_rt_sigtimedwait),
            ("rt_sigsuspend", libc::SYS_rt_sigsuspend),
            ("futex", libc::SYS_futex),
            ("pselect6", libc::SYS_pselect6),
            ("ppoll", libc::SYS_ppoll),
            ("epoll_pwait", libc::SYS_epoll_pwait),
            ("epoll_pwait2", libc::SYS_epoll_pwait2),
        ];
        #[cfg(target_arch = "x86_64")]
        known.extend([
            ("poll", libc::SYS_poll),
            ("select", libc::SYS_select),
            ("pause", libc::SYS_pause),
            ("epoll_wait", libc::SYS_epoll_wait),
        ]);
        assert_eq!(table.len(), known.len(), "every entry is checked");
        for (name, number) in known {
            assert_eq!(number_of(name), Some(number), "{name}");
        }
    }

    #[test]
    fn a_correct_blocking_wait_counts_as_waiting_and_a_lock_does_not() {
        if table().is_none() {
            return;
        }
        for name in [
            "read",
            "ppoll",
            "pselect6",
            "epoll_pwait",
            "waitid",
            "wait4",
            "rt_sigtimedwait",
            "rt_sigsuspend",
            "recvfrom",
            "accept4",
            "nanosleep",
            "clock_nanosleep",
        ] {
            let number = number_of(name).unwrap();
            assert!(is_waiting(number), "{name} is a wait");
        }
        for name in ["futex", "write", "flock"] {
            assert!(!is_waiting(number_of(name).unwrap()), "{name} is no wait");
        }
        assert_eq!(
            name_of(number_of("rt_sigtimedwait").unwrap()),
            "rt_sigtimedwait"
        );
        assert_eq!(name_of(-5), "system call -5");
    }

    #[test]
    fn an_unknown_architecture_is_named() {
        assert!(unsupported().contains(std::env::consts::ARCH));
    }
}
