//! A seccomp filter that makes one system call fail with `EPERM`, for the
//! calling process and every child it forks afterwards: what a container's
//! seccomp profile does to a system call it does not know.

use std::io;

use nix::libc;

/// From now on, system call `number` fails with `EPERM` in this process and
/// its future children; every other call is allowed. It cannot be undone:
/// call it only in a forked child made for the test.
///
/// The filter compares the system call number only, without checking the
/// architecture field first: a call made through another ABI (x32, say)
/// has another number and passes. That is what a security filter must not
/// do, and what a test that only needs one ordinary call refused may do.
pub fn refuse_with_eperm(number: libc::c_long) -> io::Result<()> {
    let stmt = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let number = u32::try_from(number).map_err(io::Error::other)?;
    let mut program = [
        // A = seccomp_data.nr (offset 0: see seccomp(2))
        stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0),
        // if A == number, go on to the next instruction, else skip it
        libc::sock_filter {
            code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
            jt: 0,
            jf: 1,
            k: number,
        },
        stmt(
            libc::BPF_RET | libc::BPF_K,
            libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
        ),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let filter = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    // SAFETY: prctl(PR_SET_NO_NEW_PRIVS) takes plain integers; it is what
    // lets an unprivileged process install a filter (seccomp(2)).
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `filter` points to `program`, which lives until the call
    // returns; the kernel copies the program (seccomp(2)).
    let result = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &filter as *const libc::sock_fprog,
        )
    };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
