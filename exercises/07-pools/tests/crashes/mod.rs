//! What the two process pools' tests (process_pool.rs, shared_pool.rs) share
//! about a worker that fails: tasks that end their worker on item 7, and the
//! checks of the error a map then returns. Both pools cut 0..20 into chunks
//! of 3 on 2 workers, so item 7 is in chunk 2 (items 6..9).

use nix::sys::resource::{Resource, setrlimit};
use nix::sys::signal::{Signal, kill};
use nix::unistd::getpid;
use pools::demos::process_pool::PoolError;
use processes::demos::process::{ExitStatus, exit_now};

/// Squares, but 7 aborts its worker (with no core file left behind).
pub fn abort_on_seven(x: u64) -> u64 {
    if x == 7 {
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
        std::process::abort();
    }
    x * x
}

/// Squares, but 7 kills its worker with SIGKILL.
pub fn kill_on_seven(x: u64) -> u64 {
    if x == 7 {
        let _ = kill(getpid(), Signal::SIGKILL);
    }
    x * x
}

/// Squares, but 7 makes its worker exit with code 3.
pub fn exit_on_seven(x: u64) -> u64 {
    if x == 7 {
        exit_now(3);
    }
    x * x
}

/// Squares, but panics on 7.
pub fn panic_on_seven(x: u64) -> u64 {
    if x == 7 {
        // This worker's panic report (one write to descriptor 2) is expected.
        testkit::silence_stderr();
    }
    assert!(x != 7, "seven is not welcome");
    x * x
}

/// What a map with a failing task left: its error, and the pool's workers
/// before and after it.
pub struct Crash {
    pub error: PoolError,
    pub before: Vec<i32>,
    pub after: Vec<i32>,
}

/// The map reported the death of the worker that ran chunk 2, ended as
/// `expected` (its message naming the pid, the chunk and `words`), and the
/// pool replaced that worker.
pub fn assert_worker_died(crash: Crash, expected: ExitStatus, words: &str) {
    let Crash {
        error,
        before,
        after,
    } = crash;
    let text = error.to_string();
    let PoolError::WorkerDied {
        chunk,
        items,
        pid,
        status,
    } = error
    else {
        panic!("expected WorkerDied, got {error:?}");
    };
    assert_eq!(
        (chunk, items),
        (2, 6..9),
        "item 7 is in chunk 2 (items 6..9) with chunks of 3"
    );
    assert!(
        before.contains(&pid),
        "the dead worker {pid} is not one of the workers {before:?}"
    );
    assert_eq!(status, expected, "how the worker ended");
    assert!(
        !after.contains(&pid),
        "the dead worker {pid} is still in the pool: {after:?}"
    );
    assert_eq!(
        after.len(),
        2,
        "the pool must have replaced its dead worker"
    );
    for needle in [pid.to_string().as_str(), "chunk 2", words] {
        assert!(
            text.contains(needle),
            "the message {text:?} should mention {needle:?}"
        );
    }
}

/// The map reported the panic of chunk 2 with its message, and the worker
/// that caught it is still in the pool. (The shared-memory pool replaces
/// the *other* worker if it was still busy: it may not go on writing into
/// the shared results.)
pub fn assert_task_panicked(crash: &Crash) {
    let Crash {
        error,
        before,
        after,
    } = crash;
    let PoolError::TaskPanicked {
        chunk,
        items,
        pid,
        message,
    } = error
    else {
        panic!("expected TaskPanicked, got {error:?}");
    };
    assert_eq!(
        (*chunk, items.clone()),
        (2, 6..9),
        "7 is in chunk 2 (items 6..9)"
    );
    assert!(
        before.contains(pid),
        "pid {pid} is not one of the workers {before:?}"
    );
    assert!(
        message.contains("seven is not welcome"),
        "the panic's message must come back, got {message:?}"
    );
    assert!(
        after.contains(pid),
        "a caught panic must not cost its worker {pid}: the workers are now {after:?}"
    );
    assert_eq!(before.len(), after.len(), "the pool keeps its worker count");
}
