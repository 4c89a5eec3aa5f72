//! Tests of the `semaphore` exercise: `cargo test -p locks --test semaphore`.
//!
//! Most tests go step by step: a waiter is started, the test waits until the
//! kernel reports it asleep in `acquire()` (see `testkit::watch`), then changes one
//! thing and checks what the waiter did. Nothing depends on timing: a thread
//! that spins, polls, returns early or is never woken is seen for what it is.
//!
//! No call into the semaphore runs on a test's own thread without a
//! deadline: `acquire()` runs on a watched waiter, and every call that must
//! not wait (`new`, `try_acquire`, `available_permits`, dropping a `Permit`)
//! runs under `without_blocking`, which fails at once, naming the clause,
//! if the call goes to sleep or spins. The semaphores of the step-by-step
//! tests are leaked (`&'static`), so that a `Permit` can come back from the
//! thread that took it.
//!
//! The first line of every failure names the clause of the contract it
//! breaks (`exercises/02-locks/course.toml`).

use locks::exercises::semaphore::{Permit, Semaphore};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use testkit::watch::{Waiting, Watched, join_all_or_stuck, spawn_watched, without_blocking};
use testkit::{DEADLINE, Rendezvous, within};

/// A thread that calls `acquire()`, says when it got the permit, and holds
/// it until the test lets it go.
struct Waiter {
    thread: Watched<()>,
    got: mpsc::Receiver<()>,
    release: mpsc::Sender<()>,
}

/// A semaphore with `permits` permits that lives as long as the test binary.
fn leaked(permits: usize) -> &'static Semaphore {
    promptly(
        "clause 1 (new(permits) has that many free permits): Semaphore::new() went to sleep",
        move || &*Box::leak(Box::new(Semaphore::new(permits))),
    )
}

/// Runs a call that must not wait (`try_acquire`, `available_permits`, a
/// release) on a watched thread: if it goes to sleep or spins, the test fails
/// at once with `complaint`, instead of hanging on its own thread.
fn promptly<T: Send + 'static>(complaint: &str, call: impl FnOnce() -> T + Send + 'static) -> T {
    without_blocking(complaint, call)
}

/// What [`promptly`] says about `try_acquire()`.
const TRY_ACQUIRE_WAITED: &str = "clause 6 (try_acquire never waits): try_acquire() went to \
                                  sleep (or spun): it must never wait, it returns None at once \
                                  when no permit is free";
/// What [`promptly`] says about a release.
const RELEASE_WAITED: &str = "clause 4 (dropping a Permit releases it): dropping a Permit went \
                              to sleep (or spun): a release only takes the lock for a moment, \
                              adds the permit back and notifies";
/// What [`promptly`] says about `available_permits()`.
const COUNT_WAITED: &str = "clause 8 (available_permits counts the free permits): \
                            available_permits() went to sleep (or spun): it only reads the count";

fn try_acquire(semaphore: &'static Semaphore) -> Option<Permit<'static>> {
    promptly(TRY_ACQUIRE_WAITED, move || semaphore.try_acquire())
}

fn release<P: Send + 'static>(permit: P) {
    promptly(RELEASE_WAITED, move || drop(permit));
}

fn available(semaphore: &'static Semaphore) -> usize {
    promptly(COUNT_WAITED, move || semaphore.available_permits())
}

fn start_waiter(semaphore: &'static Semaphore) -> Waiter {
    let (got_tx, got) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let thread = spawn_watched("waiter", move || {
        let permit = semaphore.acquire();
        let _ = got_tx.send(());
        // cannot block: for ever: the waiter runs on a watched thread, and the
        // test sends (or drops the sender) before it joins it with a deadline.
        let _ = release_rx.recv();
        drop(permit);
    });
    Waiter {
        thread,
        got,
        release,
    }
}

impl Waiter {
    /// Whether `acquire()` has returned.
    fn has_permit(&self) -> bool {
        self.got.try_recv().is_ok()
    }

    /// Lets the waiter give its permit back as soon as it has one, and
    /// waits for it to end.
    fn finish(self) {
        let _ = self.release.send(());
        match join_all_or_stuck(vec![self.thread]) {
            Ok(outcomes) => {
                if let Some(Err(message)) = outcomes.into_iter().next() {
                    panic!(
                        "clause 3 (acquire waits for a free permit): the waiter panicked: {message}"
                    );
                }
            }
            Err(_) => panic!(
                "clause 4 (dropping a Permit releases it and wakes a waiter): release did not \
                 wake the waiter: a permit was given back while a thread slept \
                 in acquire(), and that thread sleeps on. release() must notify the Condvar \
                 that acquire() waits on"
            ),
        }
    }
}

/// Waits until `waiter` is blocked in `acquire()`, or fails with what it did
/// instead; `held` says who holds the permits meanwhile.
fn blocked_in_acquire(waiter: &Waiter, held: &str) -> testkit::task::Sample {
    let early = format!(
        "clause 3 (acquire waits for a free permit): acquire() returned (or panicked) although \
         {held}: it must wait while no permit is free"
    );
    match waiter.thread.until_blocked() {
        // Asleep, but maybe with a permit, waiting for the test to release it.
        Waiting::Blocked(_) if waiter.has_permit() => panic!("{early}"),
        Waiting::Blocked(sample) => sample,
        Waiting::Returned => panic!("{early}"),
        Waiting::Spinning(cpu) => panic!(
            "clause 3 (acquire sleeps until a permit is free): busy-wait: a thread waiting in \
             acquire() used {cpu:?} of CPU while {held}. Wait on \
             the Condvar (it sleeps until notified) instead of looping"
        ),
        Waiting::Polling(wakeups) => panic!(
            "clause 3 (acquire sleeps until a permit is free): busy-wait: a thread waiting in \
             acquire() polls while {held}: it sleeps for a while \
             (thread::sleep, or a short timeout) and looks at the count again ({wakeups} \
             wakeups so far). However long the sleep, a release cannot wake it: \
             wait on the Condvar, which a release notifies"
        ),
        Waiting::NeverSlept(cpu) => panic!(
            "clause 3 (acquire sleeps until a permit is free): busy-wait: a thread calling \
             acquire() while {held} never went to sleep (it used {cpu:?} of CPU, yielding or \
             spinning): it must block on the Condvar"
        ),
    }
}

#[test]
fn never_more_than_permits_threads_inside_and_the_limit_is_reached() {
    const PERMITS: usize = 3;
    const THREADS: usize = 8;
    const ROUNDS: usize = 300;
    within(
        DEADLINE,
        "clause 2 (never more than permits holders at once): 8 threads taking and releasing 3 \
         permits",
        "some thread waits in acquire() forever",
        || {
            let semaphore = Arc::new(Semaphore::new(PERMITS));
            let inside = Arc::new(AtomicUsize::new(0));
            // The first PERMITS threads inside wait there for each other, so
            // the limit is reached once, for sure, whatever the scheduling.
            let full_house = Arc::new(Rendezvous::new(PERMITS));
            let limit_reached = Arc::new(AtomicBool::new(false));
            let threads = (0..THREADS)
                .map(|_| {
                    let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                    let (full_house, limit_reached) =
                        (Arc::clone(&full_house), Arc::clone(&limit_reached));
                    spawn_watched("worker", move || {
                        for round in 0..ROUNDS {
                            let permit = semaphore.acquire();
                            let now_inside = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            assert!(
                                now_inside <= PERMITS,
                                "clause 2 (never more than permits holders at once): \
                                 {now_inside} threads held a permit at the same time (round \
                                 {round}) although the semaphore has {PERMITS}"
                            );
                            if !limit_reached.load(Ordering::SeqCst) {
                                let met = full_house.wait(DEADLINE);
                                limit_reached.store(true, Ordering::SeqCst);
                                if let Err(missed) = met {
                                    panic!(
                                        "clause 2 (the limit is reached): with {PERMITS} permits \
                                         and {THREADS} threads, {missed} \
                                         inside the semaphore: does new() store all the permits?"
                                    );
                                }
                            }
                            inside.fetch_sub(1, Ordering::SeqCst);
                            drop(permit);
                        }
                    })
                })
                .collect();
            match join_all_or_stuck(threads) {
                Err(stuck) => panic!(
                    "clause 4 (dropping a Permit releases it and wakes a waiter): lost wakeup: \
                     {stuck} threads sleep and nobody wakes them, although every \
                     permit holder gave its permit back. Does dropping a Permit add the permit \
                     back and notify the Condvar, every time? (Or fewer than {PERMITS} threads \
                     got in at once: does new() store all the permits?)"
                ),
                Ok(outcomes) => {
                    if let Some(Err(message)) = outcomes.into_iter().find(Result::is_err) {
                        panic!(
                            "clause 2 (never more than permits holders at once): two threads \
                             took the same permit: {message}. Between checking \
                             that a permit is free and taking it, the lock must stay held \
                             (check-then-act across two lock sections lets another thread in)"
                        );
                    }
                }
            }
            let free = semaphore.available_permits();
            assert!(
                free == PERMITS,
                "clause 8 (available_permits counts the free permits): every permit was \
                 dropped, so all {PERMITS} should be free again, but available_permits() says \
                 {free}"
            );
        },
    );
}

#[test]
fn try_acquire_fails_when_no_permit_is_free_and_succeeds_after_a_release() {
    let complaint = "clause 6 (try_acquire never waits): try_acquire() (or new(), \
                     available_permits(), a release) went to sleep: try_acquire must never \
                     wait, it returns None at once when no permit is free";
    without_blocking(complaint, || {
        let semaphore = Semaphore::new(2);
        let free = semaphore.available_permits();
        assert!(
            free == 2,
            "clause 1 (new(permits) has that many free permits): a new Semaphore::new(2) has 2 \
             free permits, but available_permits() says {free}"
        );
        let first = semaphore.try_acquire().expect(
            "clause 6 (try_acquire takes a free permit): try_acquire() failed with 2 permits free",
        );
        let second = semaphore.try_acquire().expect(
            "clause 6 (try_acquire takes a free permit): try_acquire() failed with 1 permit free",
        );
        let free = semaphore.available_permits();
        assert!(
            free == 0,
            "clause 8 (available_permits counts the free permits): both permits are held, none \
             should be free, but available_permits() says {free}"
        );
        assert!(
            semaphore.try_acquire().is_none(),
            "clause 6 (try_acquire returns None when no permit is free): try_acquire() \
             succeeded although both permits were held"
        );
        drop(first);
        let free = semaphore.available_permits();
        assert!(
            free == 1,
            "clause 4 (dropping a Permit releases it): dropping a Permit should give exactly \
             one permit back, but available_permits() says {free}"
        );
        let third = semaphore.try_acquire();
        assert!(
            third.is_some(),
            "clause 6 (try_acquire takes a free permit): try_acquire() failed although a \
             permit had been released"
        );
        drop((second, third));
        let free = semaphore.available_permits();
        assert!(
            free == 2,
            "clause 4 (dropping a Permit releases it): all permits dropped, 2 should be free, \
             but available_permits() says {free}"
        );
    });
}

#[test]
fn zero_permits_means_nobody_gets_in() {
    let complaint = "clause 7 (0 permits: try_acquire always fails): try_acquire() on \
                     Semaphore::new(0) went to sleep: it must never wait";
    without_blocking(complaint, || {
        let semaphore = Semaphore::new(0);
        assert!(
            semaphore.try_acquire().is_none(),
            "clause 7 (0 permits: try_acquire always fails): Semaphore::new(0) has no permit \
             to give, but try_acquire() returned one"
        );
    });
}

#[test]
fn a_waiting_acquire_sleeps_until_a_release_wakes_it() {
    let semaphore = leaked(1);
    let held = try_acquire(semaphore).expect(
        "clause 6 (try_acquire takes a free permit): try_acquire() failed on a fresh \
         Semaphore::new(1)",
    );
    let waiter = start_waiter(semaphore);
    let blocked = blocked_in_acquire(&waiter, "the only permit was held by another thread");
    release(held);
    assert!(
        waiter.thread.woken_since(blocked),
        "clause 4 (dropping a Permit releases it and wakes a waiter): release did not wake the \
         waiter: a permit was given back (Permit::drop) while a thread slept in acquire(), and \
         that thread was not woken. release() must notify the Condvar that acquire() waits on"
    );
    waiter.finish();
}

/// The classic mistake: `if` instead of `while` around `Condvar::wait`. A
/// wakeup only says "something changed"; by the time the woken thread has
/// the lock again, another thread may have taken the permit. The test is
/// that other thread: it releases the permit and takes it straight back,
/// before the woken waiter can run (both in one call on one thread, with a
/// deadline).
#[test]
fn a_waiter_whose_permit_was_taken_first_waits_again() {
    const STEALS: usize = 3;
    const ROUNDS: usize = 20;
    let semaphore = leaked(1);
    let mut steals = 0;
    for _ in 0..ROUNDS {
        let mine = try_acquire(semaphore).expect(
            "clause 4 (dropping a Permit releases it): the only permit should be free between \
             rounds",
        );
        let waiter = start_waiter(semaphore);
        blocked_in_acquire(&waiter, "the only permit was held by another thread");
        let stolen = promptly(
            "clause 6 (try_acquire never waits): a release followed by try_acquire() went to \
             sleep (or spun): neither may wait",
            move || {
                drop(mine); // wakes the waiter...
                semaphore.try_acquire()
            },
        );
        let Some(stolen) = stolen else {
            // ...which got the permit first (or a design that hands it over
            // directly): nothing to see this round.
            waiter.finish();
            continue;
        };
        steals += 1;
        // The waiter was woken for a permit that is gone again: it must go
        // back to sleep in acquire(), not return.
        let outcome = waiter.thread.until_blocked();
        let blocked = matches!(outcome, Waiting::Blocked(_));
        if !blocked || waiter.has_permit() {
            // The waiter may have panicked holding the semaphore's lock:
            // giving the stolen permit back could panic again.
            std::mem::forget(stolen);
            let how = if blocked {
                "it returned a Permit".to_string()
            } else {
                match waiter.thread.join_within(DEADLINE) {
                    Some(Err(message)) => format!("it panicked: {message}"),
                    _ => "it returned".to_string(),
                }
            };
            panic!(
                "clause 5 (a woken waiter whose permit was taken first waits again): acquire() \
                 woke up with no permit free and went on anyway ({how}): the test took the \
                 released permit back before the waiter ran. A wakeup is only a hint: check the \
                 count again after `wait` returns (`while`, not `if`)"
            );
        }
        release(stolen);
        waiter.finish();
        if steals == STEALS {
            break;
        }
    }
}

/// Two permits come back at once while two threads wait: both must wake.
/// A release that notifies only when the count goes from 0 to 1 wakes one.
#[test]
fn two_permits_released_together_wake_two_waiters() {
    const ROUNDS: usize = 5;
    let semaphore = leaked(2);
    for _ in 0..ROUNDS {
        let held = promptly(TRY_ACQUIRE_WAITED, move || {
            [semaphore.try_acquire(), semaphore.try_acquire()]
        });
        assert!(
            held.iter().all(Option::is_some),
            "clause 6 (try_acquire takes a free permit): try_acquire() failed with both permits \
             free"
        );
        let first = start_waiter(semaphore);
        blocked_in_acquire(&first, "both permits were held");
        let second = start_waiter(semaphore);
        blocked_in_acquire(&second, "both permits were held");
        release(held); // two releases, one right after the other
        // Each waiter gives its permit back as soon as it has one.
        let _ = (first.release.send(()), second.release.send(()));
        match join_all_or_stuck(vec![first.thread, second.thread]) {
            Err(_) => panic!(
                "clause 4 (every release wakes a waiter): lost wakeup: two permits were \
                 released while two threads waited in acquire(), but one of them sleeps on with \
                 a permit free. Every release must notify (not only when the count was 0): both \
                 releases may come before the first waiter runs"
            ),
            Ok(outcomes) => {
                if let Some(Err(message)) = outcomes.into_iter().find(Result::is_err) {
                    panic!(
                        "clause 3 (acquire waits for a free permit): a waiter panicked: {message}"
                    );
                }
            }
        }
    }
    let free = available(semaphore);
    assert!(
        free == 2,
        "clause 8 (available_permits counts the free permits): every permit was dropped, so \
         both should be free, but available_permits() says {free}"
    );
}
