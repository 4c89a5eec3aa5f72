//! The shared mapping: zeroed, shared with a child forked afterwards, while
//! ordinary memory is copied.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use processes::demos::process::Process;
use shared_memory::demos::private_vs_shared::{Seen, store_in_child};
use shared_memory::demos::region::{ProcessShared, SharedSlice, SharedValue};
use testkit::{DEADLINE, bin_path, run_program, within};

#[test]
fn a_new_mapping_is_all_zeros() {
    let slice = SharedSlice::<AtomicU64>::new(10_000).expect("mmap failed");
    assert_eq!(slice.len(), 10_000);
    assert!(
        slice.iter().all(|v| v.load(Ordering::Relaxed) == 0),
        "a fresh anonymous mapping should read as zeros everywhere"
    );
    let empty = SharedSlice::<AtomicU8>::new(0).expect("mmap of an empty slice failed");
    assert!(empty.is_empty());
}

/// A counter that must start on a 16 KiB boundary: more than a 4 KiB page.
#[repr(C, align(16384))]
struct OverAligned(AtomicU64);

// SAFETY: one atomic (zero is a value, no pointer, no Drop), padded.
unsafe impl ProcessShared for OverAligned {}

#[test]
fn a_type_aligned_beyond_a_page_is_refused() {
    match SharedValue::<OverAligned>::new() {
        Err(e) => assert_eq!(
            e.kind(),
            std::io::ErrorKind::InvalidInput,
            "wrong kind of error for an over-aligned type: {e}"
        ),
        Ok(value) => {
            let address = &*value as *const OverAligned as usize;
            panic!(
                "SharedValue accepted a type aligned to 16384 bytes; its value sits at \
                 {address:#x}, which is {} past a 16384-byte boundary. A mapping is only \
                 page aligned: a reference to a misaligned value is undefined behaviour",
                address % 16384
            );
        }
    }
}

#[test]
fn the_parent_sees_the_childs_store_in_shared_memory_only() {
    let _clean = testkit::process_scope();
    let seen = within(
        DEADLINE,
        "store_in_child",
        "the child never exited, or join waited for the wrong process",
        || store_in_child(42).expect("could not run the child"),
    );
    assert_eq!(
        seen,
        Seen {
            stored: 42,
            private: 0,
            shared: 42
        },
        "the child's store to a Box must stay in the child's copy (private: 0), \
         and its store to the shared mapping must reach the parent (shared: 42)"
    );
}

#[test]
fn every_page_of_a_large_slice_is_shared() {
    let _clean = testkit::process_scope();
    // 8 pages of 4 KiB: the child writes the first and last value of each.
    let slice = SharedSlice::<AtomicU64>::new(8 * 512).expect("mmap failed");
    let values = within(
        DEADLINE,
        "a child writing every page",
        "the child never exited",
        move || {
            // SAFETY: the child only stores into atomics in shared memory.
            let mut child = unsafe {
                Process::start(|| {
                    for (i, v) in slice.iter().enumerate() {
                        v.store(i as u64 + 1, Ordering::Relaxed);
                    }
                    0
                })
            }
            .expect("fork failed");
            assert!(
                child.join().expect("waitpid failed").success(),
                "the child failed"
            );
            slice
                .iter()
                .map(|v| v.load(Ordering::Relaxed))
                .collect::<Vec<_>>()
        },
    );
    let wrong: Vec<_> = values
        .iter()
        .enumerate()
        .filter(|&(i, &v)| v != i as u64 + 1)
        .map(|(i, _)| i)
        .take(5)
        .collect();
    assert!(
        wrong.is_empty(),
        "the parent did not see the child's stores at indices {wrong:?}"
    );
}

#[test]
fn a_shared_value_goes_both_ways() {
    let _clean = testkit::process_scope();
    let to_child = SharedValue::<AtomicU64>::new().expect("mmap failed");
    let to_parent = SharedValue::<AtomicU64>::new().expect("mmap failed");
    to_child.store(7, Ordering::Relaxed);
    let reply = within(
        DEADLINE,
        "a child replying",
        "the child never exited",
        move || {
            // SAFETY: the child only loads and stores atomics.
            let mut child = unsafe {
                Process::start(|| {
                    // The parent stored 7 before the fork: the child sees it.
                    to_parent.store(to_child.load(Ordering::Relaxed) * 6, Ordering::Relaxed);
                    0
                })
            }
            .expect("fork failed");
            assert!(
                child.join().expect("waitpid failed").success(),
                "the child failed"
            );
            to_parent.load(Ordering::Relaxed)
        },
    );
    assert_eq!(reply, 42, "the child should have read 7 and stored 7 * 6");
}

#[test]
fn the_private_vs_shared_program_shows_only_the_shared_store() {
    let _clean = testkit::process_scope();
    let run = run_program(bin_path!("private_vs_shared"), &[], DEADLINE);
    assert!(
        run.status.success(),
        "private_vs_shared failed:\n{}",
        run.stderr
    );
    for line in [
        "the child stored 42 in both places",
        "the parent reads its private Box:  0",
        "the parent reads the shared page: 42",
    ] {
        assert_eq!(
            run.count_lines_containing(line),
            1,
            "expected the line {line:?} once in:\n{}",
            run.stdout
        );
    }
}
