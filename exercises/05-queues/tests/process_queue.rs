//! Tests of the queue between processes.

use std::collections::BTreeSet;
use std::io;
use std::thread;

use processes::demos::process::{ExitStatus, Process};
use queues::demos::join_before_drain::join_then_drain;
use queues::demos::queue::{INLINE_MAX, queue};
use testkit::DEADLINE;

/// Item `n` of a test: mostly small, every 50th far larger than a frame, so
/// both paths (inline and spilled) are used, interleaved.
fn item(n: u64) -> (u64, Vec<u8>) {
    let len = if n % 50 == 7 {
        3 * INLINE_MAX + (n as usize % 1000)
    } else {
        n as usize % 40
    };
    (n, vec![n as u8; len])
}

#[test]
fn items_from_one_producer_arrive_in_order_then_the_queue_ends() {
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<(u64, Vec<u8>)>().unwrap();
    // SAFETY: the child sends on the queue (read, write and fallocate
    // system calls on pipes and a file, plus encoding, which allocates:
    // allowed, glibc's malloc survives fork).
    let mut producer = unsafe {
        Process::start(move || {
            for n in 0..500 {
                if tx.send(&item(n)).is_err() {
                    return 1;
                }
            }
            0
        })
    }
    .unwrap();
    let got = testkit::within(
        DEADLINE,
        "receiving 500 items",
        "the queue never ended: some process still holds a Sender",
        move || {
            let mut got = Vec::new();
            while let Some(it) = rx.recv().unwrap() {
                got.push(it);
            }
            got
        },
    );
    assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    assert_eq!(got.len(), 500, "500 items sent, {} received", got.len());
    for (n, received) in got.iter().enumerate() {
        assert!(
            *received == item(n as u64),
            "item {n} arrived out of order or damaged"
        );
    }
}

#[test]
fn many_producer_processes_and_consumer_threads_get_every_item_exactly_once() {
    let _clean = testkit::process_scope();
    const PRODUCERS: u64 = 4;
    const EACH: u64 = 400;
    let (tx, rx) = queue::<(u64, Vec<u8>)>().unwrap();
    let mut producers = Vec::new();
    for p in 0..PRODUCERS {
        let tx = tx.try_clone().unwrap();
        // SAFETY: the child sends on the queue (read, write and fallocate
        // system calls on pipes and a file, plus encoding, which allocates:
        // allowed, glibc's malloc survives fork).
        let producer = unsafe {
            Process::start(move || {
                for n in p * EACH..(p + 1) * EACH {
                    if tx.send(&item(n)).is_err() {
                        return 1;
                    }
                }
                0
            })
        };
        producers.push(producer.unwrap());
    }
    drop(tx);
    let per_consumer: Vec<Vec<u64>> = testkit::within(
        DEADLINE,
        "three consumers draining the queue",
        "deadlock: the consumers never saw the end of the queue",
        move || {
            let consumers: Vec<_> = (0..3)
                .map(|_| {
                    let rx = rx.try_clone().unwrap();
                    thread::spawn(move || {
                        let mut taken = Vec::new();
                        while let Some((n, bytes)) = rx.recv().unwrap() {
                            assert!(bytes == item(n).1, "item {n} damaged: frames interleaved?");
                            taken.push(n);
                        }
                        taken
                    })
                })
                .collect();
            consumers.into_iter().map(|c| c.join().unwrap()).collect()
        },
    );
    for mut producer in producers {
        assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    }
    let all: Vec<u64> = per_consumer.iter().flatten().copied().collect();
    let distinct: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "some item was delivered twice");
    assert_eq!(
        distinct,
        (0..PRODUCERS * EACH).collect(),
        "some item was never delivered"
    );
}

#[test]
fn send_fails_with_broken_pipe_once_every_receiver_is_gone() {
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<u32>().unwrap();
    drop(rx);
    let err = tx.send(&1).expect_err("nobody can ever read this item");
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
}

#[test]
fn joining_a_producer_of_big_items_before_draining_does_not_deadlock() {
    let _clean = testkit::process_scope();
    let (count, size) = (4, 1 << 20); // 4 MiB in all, 64 times the pipe buffer
    let (status, items) = testkit::within(
        DEADLINE,
        "joining the producer before draining",
        "deadlock: the producer could not exit before its items were taken (Python's pitfall)",
        move || join_then_drain(count, size).unwrap(),
    );
    assert_eq!(status, ExitStatus::Exited(0));
    assert_eq!(items.len(), count);
    for (n, it) in items.iter().enumerate() {
        assert!(
            it.len() == size && it.iter().all(|&b| b == n as u8),
            "item {n} damaged"
        );
    }
}

#[test]
fn the_join_before_drain_program_reports_intact_items() {
    let _clean = testkit::process_scope();
    let run = testkit::run_program(testkit::bin_path!("join_before_drain"), &[], DEADLINE);
    assert!(run.status.success(), "{run:?}");
    assert!(
        run.stdout
            .contains("joined the producer first: exited with code 0"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("then drained 4 items, intact: true"),
        "{}",
        run.stdout
    );
}

/// Waits until the single-threaded process `pid` is asleep in `read(2)`:
/// for the consumer of the test below, inside `recv`, past the read lock,
/// waiting for the pipe. (Asleep alone could also be the lock's `flock`.)
fn wait_until_asleep_in_read(pid: i32) {
    testkit::within(
        DEADLINE,
        "waiting for the child to block in read(2)",
        "the child never went to sleep reading the queue's pipe",
        move || {
            let child = testkit::proc::Task::process(pid);
            loop {
                let asleep = child.stat().expect("the child's /proc entry").state == 'S';
                if asleep && child.syscall() == Some(nix::libc::SYS_read) {
                    return;
                }
                thread::yield_now();
            }
        },
    );
}

#[test]
fn a_process_killed_holding_a_file_lock_releases_it() {
    use queues::demos::file_lock::FileLock;
    use std::io::{Read, Write};
    let _clean = testkit::process_scope();
    let lock = FileLock::new().unwrap();
    let (mut locked, tell) = io::pipe().unwrap();
    // SAFETY: the child opens a file (one allocation for its path), takes
    // an flock, writes one byte and pauses: system calls, no std lock.
    let mut holder = unsafe {
        Process::start(|| {
            let _guard = lock.lock();
            let _ = (&tell).write_all(b"L");
            loop {
                nix::unistd::pause(); // holds the lock until it is killed
            }
        })
    }
    .unwrap();
    drop(tell);
    let mut byte = [0u8; 1];
    locked
        .read_exact(&mut byte)
        .expect("the child never took the lock");
    holder.kill().unwrap();
    assert_eq!(holder.join().unwrap(), ExitStatus::Signaled(9));
    testkit::within(
        DEADLINE,
        "taking a lock whose holder was killed",
        "the lock died with its holder: the kernel did not release it",
        move || drop(lock.lock().unwrap()),
    );
}

#[test]
fn a_lock_held_across_a_fork_outlives_its_killed_holder_until_the_child_exits() {
    // "Released when its holder dies" has an exception: a holder that forks
    // while holding the lock. The child's copy of the descriptor shares the
    // open file description the lock belongs to, so the lock lives on in
    // the child after the holder is killed.
    use queues::demos::file_lock::FileLock;
    use std::io::{Read, Write};
    let _clean = testkit::process_scope(); // also makes orphans our children
    let lock = FileLock::new().unwrap();
    let (mut report, tell) = io::pipe().unwrap();
    let (go, mut let_go) = io::pipe().unwrap();
    // SAFETY: the holder takes an flock (open, flock: system calls, one
    // allocation for the path), forks a child that reads one byte, writes
    // that child's pid to a pipe and pauses.
    let mut holder = unsafe {
        Process::start(|| {
            let _guard = lock.lock();
            // SAFETY: the grandchild reads one byte from a pipe.
            let child = Process::start(|| {
                let mut byte = [0u8; 1];
                i32::from((&go).read_exact(&mut byte).is_err())
            });
            let Ok(child) = child else { return 1 };
            let _ = (&tell).write_all(&child.pid().to_ne_bytes());
            loop {
                nix::unistd::pause(); // holds the lock until it is killed
            }
        })
    }
    .unwrap();
    drop(tell);
    let mut pid = [0u8; 4];
    report
        .read_exact(&mut pid)
        .expect("the holder never forked its child");
    let child = nix::unistd::Pid::from_raw(i32::from_ne_bytes(pid));
    holder.kill().unwrap();
    assert_eq!(holder.join().unwrap(), ExitStatus::Signaled(9));
    let held = lock.try_lock().unwrap().is_none();
    let_go.write_all(b"g").unwrap();
    let status = testkit::within(
        DEADLINE,
        "the holder's child's exit",
        "the child never read its byte",
        move || nix::sys::wait::waitpid(child, None).unwrap(),
    );
    assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
    assert!(
        held,
        "the lock was free once its holder was killed, although the holder's forked \
         child still held a descriptor of the locked open file description: if so, \
         the page's warning about forking while holding the lock is wrong"
    );
    testkit::within(
        DEADLINE,
        "taking the lock once the child has exited too",
        "the lock outlived both its holder and the holder's child",
        move || drop(lock.lock().unwrap()),
    );
}

#[test]
fn a_consumer_killed_inside_recv_does_not_wedge_the_queue() {
    use std::io::{Read, Write};
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<u32>().unwrap();
    let (mut ready, tell) = io::pipe().unwrap();
    let victim_rx = rx.try_clone().unwrap();
    // SAFETY: the child writes one byte and waits in `recv`: system calls
    // (open, flock, read) and an allocation for a path.
    let mut victim = unsafe {
        Process::start(move || {
            let _ = (&tell).write_all(b"R");
            // The queue is empty: this waits inside recv, holding the read lock.
            match victim_rx.recv() {
                Ok(_) => 1,
                Err(_) => 2,
            }
        })
    }
    .unwrap();
    let mut byte = [0u8; 1];
    ready
        .read_exact(&mut byte)
        .expect("the consumer never started");
    wait_until_asleep_in_read(victim.pid());
    victim.kill().unwrap();
    assert_eq!(victim.join().unwrap(), ExitStatus::Signaled(9));

    tx.send(&7).unwrap();
    let got = testkit::within(
        DEADLINE,
        "a consumer's recv after another consumer was killed inside recv",
        "the queue is wedged: the killed consumer held the read lock and nobody released it",
        move || rx.recv().unwrap(),
    );
    assert_eq!(got, Some(7), "the surviving consumer gets the next item");
}

#[test]
fn a_handled_signal_does_not_end_a_wait_in_recv() {
    // A consumer waits in recv on an empty queue; three handled signals make
    // its blocking call fail with EINTR, and each time it must wait again.
    use std::sync::mpsc;
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<u32>().unwrap();
    let (tid_tx, tid_rx) = mpsc::channel();
    let consumer = thread::spawn(move || {
        tid_tx.send(testkit::task::current_tid()).unwrap();
        rx.recv()
    });
    // cannot block: the thread sends its id first thing.
    let tid = tid_rx.recv().unwrap();
    let interrupted =
        testkit::signals::interrupt_each_wait(testkit::signals::Target::thread(tid), 3, DEADLINE);
    tx.send(&5).unwrap(); // whatever happened, so that the consumer ends
    let got = testkit::within(
        DEADLINE,
        "the consumer's recv after the signals",
        "the consumer waited on after an item was sent",
        move || consumer.join(),
    );
    if let Err(why) = interrupted {
        panic!("a signal handled while recv waits must not end the wait: {why}");
    }
    let got = got.expect("the consumer thread panicked");
    assert_eq!(
        got.unwrap(),
        Some(5),
        "after three signals, recv still returns the item"
    );
}

#[test]
fn no_process_holds_a_pipe_end_of_the_queue_it_does_not_use() {
    // A consumer forked once the parent has handed its only Sender to a
    // producer holds no write end of the queue's pipe (none of the queue's
    // handles keeps one it does not use), so it sees the end when the
    // producer is done; and the parent, which only receives now, holds none
    // either.
    let _clean = testkit::process_scope();
    let (tx, rx) = queue::<u32>().unwrap();
    let inode = testkit::pipe_inode(&rx).unwrap();
    let (go, mut let_go) = io::pipe().unwrap();
    // SAFETY: the child reads a byte from a pipe and sends on the queue.
    let mut producer = unsafe {
        Process::start(move || {
            let mut byte = [0u8; 1];
            if std::io::Read::read_exact(&mut &go, &mut byte).is_err() {
                return 3;
            }
            i32::from(tx.send(&1).is_err())
        })
    }
    .unwrap();
    let consumer_rx = rx.try_clone().unwrap();
    // SAFETY: the child receives on the queue until it ends.
    let mut consumer = unsafe {
        Process::start(move || {
            let mut taken = 0;
            while let Ok(Some(_)) = consumer_rx.recv() {
                taken += 1;
            }
            i32::from(taken != 1)
        })
    }
    .unwrap();
    let pid = consumer.pid() as u32;
    let waiting = testkit::task::until_child_waiting(pid, pid, DEADLINE);
    let held = [
        ("the consumer", testkit::write_ends_of(pid, inode).unwrap()),
        (
            "the parent",
            testkit::write_ends_of(std::process::id(), inode).unwrap(),
        ),
    ];
    std::io::Write::write_all(&mut let_go, b"g").unwrap();
    let status = testkit::within(
        DEADLINE,
        "the consumer's exit",
        "the consumer never saw the end of the queue: some process still holds its write end",
        move || consumer.join().unwrap(),
    );
    // cannot block: the producer got its byte and sends one small item.
    assert_eq!(producer.join().unwrap(), ExitStatus::Exited(0));
    if let Err(why) = waiting {
        panic!("the consumer should wait in recv on the empty queue, but {why}");
    }
    for (who, fds) in held {
        assert!(
            fds.is_empty(),
            "{who} holds the queue's write end as fd {fds:?}: it then never sees the queue end"
        );
    }
    assert_eq!(
        status,
        ExitStatus::Exited(0),
        "the consumer should take one item, then see the end"
    );
}
