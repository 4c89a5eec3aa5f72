//! Tests of the `panic_safe_pool` exercise.
//!
//! Every test starts with a health check (one job per worker, meeting at a
//! rendezvous), so that a pool that cannot run `size` jobs at once fails
//! every test with the same message. Every step that can block has a
//! deadline. Only the drop tests drop their pool (under a deadline); the
//! others leak theirs, idle, so that a drop that hangs fails one test, not
//! all of them one after the other. The jobs that panic on purpose print
//! nothing.

mod common;

use std::collections::HashSet;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use common::QUICK;
use crossbeam_channel::{bounded, unbounded};
use pools::exercises::panic_safe_pool::PanicSafePool;
use testkit::panics::{catch_quietly, panic_quietly};
use testkit::task::{cpu_times, thread_ids};
use testkit::{Rendezvous, within};

/// How long jobs wait for one another at a rendezvous.
const MEET: Duration = Duration::from_millis(1500);

/// A pool that is dropped only by [`finish`], under a deadline, or leaked:
/// never dropped while a failing test unwinds, where a hanging drop would
/// hide the failure.
type Pool = ManuallyDrop<PanicSafePool>;

/// The idle test measures the CPU time of every thread that appeared while
/// it ran, and the other tests of this file start threads that work: it runs
/// alone (it takes this lock to write), the others side by side (to read).
static IDLE_TEST_ALONE: RwLock<()> = RwLock::new(());

/// For a test that runs beside the others, not beside the idle test.
fn beside_the_others() -> RwLockReadGuard<'static, ()> {
    IDLE_TEST_ALONE
        .read()
        .unwrap_or_else(PoisonError::into_inner)
}

/// For the idle test: waits until no other test of this file runs.
fn alone() -> RwLockWriteGuard<'static, ()> {
    IDLE_TEST_ALONE
        .write()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Starts a pool of `size` and checks that it runs `size` jobs at once.
fn start(size: usize) -> Pool {
    let pool = ManuallyDrop::new(within(
        QUICK,
        "clause 1 (new starts size workers that run size jobs at once): PanicSafePool::new",
        "new never returned",
        move || PanicSafePool::new(size),
    ));
    // Wrapped first: if the health check fails, the pool is leaked, not
    // dropped (and perhaps waited for) while the test unwinds.
    meet_on_every_worker(&pool, size, 0);
    pool
}

/// Gives the pool `size` jobs that must all run at once (they meet at a
/// rendezvous), and returns the threads they ran on. `panics` is how many
/// jobs have panicked so far, for the message.
fn meet_on_every_worker(pool: &PanicSafePool, size: usize, panics: usize) -> HashSet<ThreadId> {
    let meet = Arc::new(Rendezvous::new(size));
    let (tx, rx) = unbounded();
    for _ in 0..size {
        let (meet, tx) = (Arc::clone(&meet), tx.clone());
        pool.execute(move || {
            let met = meet.wait(MEET);
            let _ = tx.send((thread::current().id(), met));
        });
    }
    drop(tx);
    let give_up_at = Instant::now() + QUICK;
    let mut threads = HashSet::new();
    for ran in 0..size {
        let report = rx.recv_timeout(give_up_at.saturating_duration_since(Instant::now()));
        let (thread, met) = match report {
            Ok(report) => report,
            Err(_) if panics == 0 => panic!(
                "clause 1 (new starts size workers that run size jobs at once): only {ran} of {size} jobs ran on a new pool: does new start {size} workers \
                 that take jobs from the channel?"
            ),
            Err(_) => panic!(
                "clause 2 (a panicking job ends its worker, and a replacement takes its place): only {ran} of {size} jobs ran after {panics} job(s) panicked: the pool has \
                 fewer than {size} live workers; start a replacement for each worker whose \
                 job panicked"
            ),
        };
        match met {
            Ok(()) => {
                threads.insert(thread);
            }
            Err(missed) if panics == 0 => panic!(
                "clause 1 (new starts size workers that run size jobs at once): {missed} on a new pool of {size}: jobs ran one at a time. Is a lock held \
                 while a job runs? (the guard of `while let Ok(job) = rx.lock().unwrap().recv()` \
                 lives for the whole loop body)"
            ),
            Err(missed) => panic!(
                "clause 2 (a panicking job ends its worker, and a replacement takes its place): {missed} after {panics} job(s) panicked: the pool has fewer than {size} live \
                 workers; start a replacement for each worker whose job panicked"
            ),
        }
    }
    threads
}

/// Runs a job that panics with `payload` (quietly), and returns the thread
/// it ran on.
fn panic_on_a_worker<P: Send + 'static>(pool: &PanicSafePool, payload: P) -> ThreadId {
    let (tx, rx) = unbounded();
    pool.execute(move || {
        tx.send(thread::current().id()).unwrap();
        panic_quietly(payload);
    });
    rx.recv_timeout(QUICK)
        .unwrap_or_else(|_| panic!("clause 1 (new starts size workers that run size jobs at once): a job given to execute never ran within {QUICK:?}"))
}

/// Checks the messages `panics()` recorded.
fn assert_panics(pool: &PanicSafePool, mut expected: Vec<&str>) {
    let mut got = pool.panics();
    got.sort();
    expected.sort();
    assert_eq!(
        got, expected,
        "clause 3 (panics() holds every panic's message, recorded before the replacement starts): panics() should hold each panic's message. A formatted panic!(\"job {{}}\", i) \
         carries a String payload, a panic!(\"literal\") a &'static str: downcast_ref both"
    );
}

/// Drops the pool under a deadline.
fn finish(pool: Pool) {
    let pool = ManuallyDrop::into_inner(pool);
    within(
        QUICK,
        "clause 4 (drop runs the queued jobs, then joins every thread the pool started): drop(pool)",
        "drop never returned: close the job channel so the workers end, then join them \
         (and whatever thread watches them)",
        move || drop(pool),
    );
}

#[test]
fn jobs_run_on_size_workers_at_once() {
    let _beside = beside_the_others();
    let pool = start(3);
    let threads = meet_on_every_worker(&pool, 3, 0);
    assert_eq!(
        threads.len(),
        3,
        "clause 1 (new starts size workers that run size jobs at once): three jobs that meet run on three threads"
    );
    assert_panics(&pool, vec![]);
}

#[test]
fn a_panic_kills_its_worker_and_a_replacement_takes_its_place() {
    let _beside = beside_the_others();
    let pool = start(2);
    let victim = panic_on_a_worker(&pool, format!("job {} failed", 1));
    let threads = meet_on_every_worker(&pool, 2, 1);
    assert!(
        !threads.contains(&victim),
        "clause 2 (a panicking job ends its worker, and a replacement takes its place): the thread whose job panicked still runs jobs: let the panic end the thread \
         (no catch_unwind) and start a new worker in its place"
    );
    assert_panics(&pool, vec!["job 1 failed"]);
}

#[test]
fn more_panics_than_workers_and_the_pool_still_works() {
    let _beside = beside_the_others();
    let size = 2;
    let pool = start(size);
    let messages = ["first", "second", "third", "fourth", "fifth"];
    let mut victims = HashSet::new();
    for message in messages {
        victims.insert(panic_on_a_worker(&pool, message));
    }
    let threads = meet_on_every_worker(&pool, size, messages.len());
    assert!(
        threads.is_disjoint(&victims),
        "clause 2 (a panicking job ends its worker, and a replacement takes its place): the thread whose job panicked still runs jobs: let the panic end the thread \
         (no catch_unwind) and start a new worker in its place"
    );
    assert_panics(&pool, messages.to_vec());
}

/// How long the last job of the drop test waits for a gate that never
/// opens. A drop that joins waits that long; one that does not returns
/// while the job still waits, which the test sees.
const GATE: Duration = Duration::from_secs(2);

#[test]
fn drop_runs_the_queued_jobs_and_joins_every_worker_replacements_too() {
    let _beside = beside_the_others();
    let size = 2;
    let pool = start(size);
    // Every original worker runs one of these at once, then dies.
    let meet = Arc::new(Rendezvous::new(size));
    for i in 0..size {
        let meet = Arc::clone(&meet);
        pool.execute(move || {
            let _ = meet.wait(MEET);
            panic_quietly(format!("original worker {i} ends"));
        });
    }
    meet_on_every_worker(&pool, size, size);
    // From here on, only replacements run jobs.
    let done = Arc::new(AtomicUsize::new(0));
    for i in 0..300 {
        let done = Arc::clone(&done);
        pool.execute(move || {
            if i % 50 == 0 {
                panic_quietly(format!("job {i} fails"));
            }
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    let (gate, gate_shut) = unbounded::<()>();
    let last_job_done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&last_job_done);
    pool.execute(move || {
        let _ = gate_shut.recv_timeout(GATE);
        flag.store(true, Ordering::SeqCst);
    });
    finish(pool);
    assert!(
        last_job_done.load(Ordering::SeqCst),
        "clause 4 (drop runs the queued jobs, then joins every thread the pool started): drop returned while a queued job was still running: drop must join every worker \
         it started, the replacements included, after closing the job channel"
    );
    assert_eq!(
        done.load(Ordering::SeqCst),
        294,
        "clause 4 (drop runs the queued jobs, then joins every thread the pool started): every queued job that does not panic must run before drop returns"
    );
    drop(gate);
}

/// A job may hold the pool's last handle: an `Arc` of the pool, kept to
/// submit more work. When that job drops it, the pool's drop runs on one of
/// the pool's own workers, which cannot wait for itself: not by joining its
/// own thread, and not by joining a thread (a supervisor) that waits for it.
#[test]
fn dropping_the_pool_inside_one_of_its_own_jobs_does_not_wait_for_that_job() {
    let _beside = beside_the_others();
    let pool = Arc::new(ManuallyDrop::into_inner(start(2)));
    let last_handle = Arc::clone(&pool);
    let (go, wait_for_go) = bounded::<()>(1);
    let (report, reports) = bounded(1);
    pool.execute(move || {
        // cannot block: recv_timeout gives up after the deadline.
        let _ = wait_for_go.recv_timeout(QUICK);
        // The test has dropped its handle: this drop is the pool's last.
        let dropped = catch_quietly(move || drop(last_handle));
        let _ = report.send((dropped, testkit::task::current_tid()));
    });
    // Jobs queued behind that one still run, on whichever worker is left.
    let queued_behind = Arc::new(AtomicUsize::new(0));
    for _ in 0..10 {
        let done = Arc::clone(&queued_behind);
        pool.execute(move || {
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    go.send(()).expect("the job waits for the go");
    let (dropped, worker) = within(
        QUICK,
        "clause 5 (a drop inside one of the pool's own jobs does not wait for that job): a job that drops the last handle of its own pool",
        "deadlock: the pool's drop ran on one of the pool's own workers (the job held the \
         pool's last Arc) and waited for that very worker: it joined a thread that waits for \
         this worker to end (the supervisor), or the worker itself. When drop runs on one of \
         the pool's workers, close the job channel and let the threads end on their own, \
         without joining them",
        move || reports.recv().expect("the job reports unless it hangs"),
    );
    if let Err(message) = dropped {
        panic!(
            "clause 5 (a drop inside one of the pool's own jobs does not wait for that job): dropping the pool's last handle inside one of its own jobs panicked ({message}): \
             the drop joined the worker thread it runs on (a thread cannot join itself: \
             pthread_join fails with EDEADLK, and std panics). When drop runs on one of the \
             pool's workers, leave that thread (and whatever waits for it) to end on its own"
        );
    }
    within(
        QUICK,
        "clause 5 (a drop inside one of the pool's own jobs does not wait for that job): the jobs queued behind the one that dropped the pool",
        "the jobs queued before the pool was dropped never all ran: a drop inside a job must \
         still let the workers drain the queue",
        move || {
            while queued_behind.load(Ordering::SeqCst) < 10 {
                thread::sleep(Duration::from_millis(1)); // polling a counter
            }
        },
    );
    // The worker that dropped the pool ends by itself once its job returns
    // (the channel is closed and empty): no thread is left behind.
    within(
        QUICK,
        "clause 5 (a drop inside one of the pool's own jobs does not wait for that job): the worker that dropped its own pool to end",
        "the worker that dropped its own pool never ended: once its job returns, its loop must \
         find the job channel closed and empty, and return",
        move || {
            let task = format!("/proc/self/task/{worker}");
            while std::path::Path::new(&task).exists() {
                thread::sleep(Duration::from_millis(1)); // polling /proc
            }
        },
    );
}

/// A correct pool's threads block while there is nothing to do: over this
/// window they use next to no CPU. A thread that polls in a loop uses about
/// as much as a reference thread that spins beside it (the scheduler shares
/// the cores fairly among runnable threads, however loaded the machine is),
/// so the test compares the two rather than trusting a fixed amount.
const IDLE_WINDOW: Duration = Duration::from_secs(1);

#[test]
fn an_idle_pool_does_not_busy_wait() {
    let _alone = alone();
    let before = thread_ids();
    let pool = start(2);
    // One death and its replacement, so that the watching thread has had
    // work to do, and is idle again.
    panic_on_a_worker(&pool, "a death before the pool idles");
    meet_on_every_worker(&pool, 2, 1);
    let threads = &thread_ids() - &before;
    let used_before = cpu_times(&threads);
    let slept_before = sleeps(&threads);
    let stop = Arc::new(AtomicBool::new(false));
    let spin = Arc::clone(&stop);
    let reference = thread::spawn(move || {
        let started = cpu_now();
        while !spin.load(Ordering::Relaxed) {
            thread::yield_now();
        }
        cpu_now() - started
    });
    // Measuring how much CPU idle threads use over a window of wall time.
    thread::sleep(IDLE_WINDOW);
    let busiest = cpu_times(&threads)
        .into_iter()
        .map(|(id, used)| used.saturating_sub(used_before.get(&id).copied().unwrap_or_default()))
        .max()
        .unwrap_or_default();
    stop.store(true, Ordering::Relaxed);
    let spinner = reference
        .join()
        .expect("the reference thread does not panic");
    assert!(
        busiest < spinner / 4,
        "clause 6 (an idle pool's threads block until there is news): one of the pool's threads used {busiest:?} of CPU in {IDLE_WINDOW:?} with nothing to \
         do, as much as a thread that spins ({spinner:?}): a busy-wait (a loop on try_recv, \
         is_finished or yield_now). Block on the channel (recv) instead"
    );
    // A thread that polls with a sleep (thread::sleep, or recv_timeout in a
    // loop) uses little CPU, but it wakes up again and again; a thread
    // blocked in recv does not wake at all while nothing happens.
    let slept_after = sleeps(&threads);
    let (most, tid) = slept_after
        .iter()
        .map(|(tid, after)| {
            (
                after - slept_before.get(tid).copied().unwrap_or(*after),
                *tid,
            )
        })
        .max()
        .unwrap_or_default();
    assert!(
        most <= IDLE_WAKEUPS,
        "clause 6 (an idle pool's threads block until there is news): an idle pool polls: one of its threads woke up {most} times in {IDLE_WINDOW:?} with \
         nothing to do{}: a loop that sleeps (thread::sleep, or recv_timeout) and looks again. \
         Block on the channel (recv), which sleeps until there is news",
        match testkit::task::sleeping_in(tid) {
            Some((_, testkit::task::SleepingIn::Timer)) => ", and it sleeps in thread::sleep",
            _ => "",
        }
    );
}

/// How many times a thread of an idle pool may wake up in [`IDLE_WINDOW`]:
/// a blocked one does not wake at all; one that polls every 10 ms, 100
/// times.
const IDLE_WAKEUPS: u64 = 20;

/// How many times each thread of `threads` has gone to sleep so far.
fn sleeps(threads: &std::collections::BTreeSet<u32>) -> std::collections::BTreeMap<u32, u64> {
    threads
        .iter()
        .filter_map(|&tid| Some((tid, testkit::task::sample(tid)?.sleeps)))
        .collect()
}

/// The CPU time the calling thread has used.
fn cpu_now() -> Duration {
    let id = nix::unistd::gettid();
    cpu_times(&[id.as_raw() as u32].into_iter().collect())
        .into_values()
        .next()
        .unwrap_or_default()
}
