//! Memory that several processes see: an anonymous shared mapping, made
//! before `fork`, behind a small safe type.
//!
//! A forked child gets a *copy* of its parent's memory: the heap, the stack,
//! every global. A write in the child changes the child's copy only. The one
//! exception is a mapping made with `MAP_SHARED`: parent and child then point
//! at the same physical pages, and a store in one is a store in the other.

use std::io;
use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::atomic::{
    AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16,
    AtomicU32, AtomicU64, AtomicUsize,
};

use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous, munmap};

// ANCHOR: process_shared
/// Types that may live in memory shared between processes.
///
/// # Safety
///
/// Implement it only for a type that
///
/// * is valid when all its bytes are zero: that is how the kernel hands out a
///   fresh mapping, and no constructor ever runs;
/// * holds no pointer into private memory: the heap and the stack of one
///   process are not the other's, so a `Box`, `Vec` or `&T` stored here would
///   point at the *other* process's copy, or at nothing;
/// * changes only through `&self`, with operations that stay correct when the
///   other party is another process: lock-free atomics, or a lock that is
///   itself built from them;
/// * needs no `Drop`: a child leaves with `_exit`, and nothing of it is dropped.
///
/// Alignment is not part of the contract: [`SharedSlice::new`] checks it, and
/// refuses a type aligned beyond a page (a mapping starts on a page boundary,
/// and nothing more is promised).
pub unsafe trait ProcessShared: Send + Sync {}

// The lock-free atomics are plain CPU instructions on a memory address: they
// work the same whether the other party is a thread or a process.
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicBool {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicU8 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicU16 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicU32 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicU64 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicUsize {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicI8 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicI16 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicI32 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicI64 {}
// SAFETY: a lock-free atomic: zero is a value, no pointer, no Drop.
unsafe impl ProcessShared for AtomicIsize {}
// SAFETY: an array of such values is such a value: zero bytes, no
// pointer and no Drop, element by element.
unsafe impl<T: ProcessShared, const N: usize> ProcessShared for [T; N] {}
// ANCHOR_END: process_shared

/// One anonymous shared mapping, unmapped (in this process) when dropped.
struct Mapping {
    start: NonNull<u8>,
    bytes: NonZeroUsize,
}

impl Mapping {
    // ANCHOR: map_shared
    fn new(bytes: usize) -> io::Result<Mapping> {
        // mmap refuses an empty mapping; an empty slice still gets one page.
        let bytes = NonZeroUsize::new(bytes.max(1)).expect("at least one byte");
        // SAFETY: a new anonymous mapping at an address the kernel chooses
        // cannot overlap anything Rust already uses.
        let start = unsafe {
            mmap_anonymous(
                None,
                bytes,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                // SHARED: a forked child keeps the same physical pages
                // instead of getting a copy-on-write private copy.
                MapFlags::MAP_SHARED,
            )
        }?;
        // The kernel fills new anonymous pages with zeros.
        Ok(Mapping {
            start: start.cast(),
            bytes,
        })
    }
    // ANCHOR_END: map_shared
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `Mapping::new` with this length, and
        // the only references into it borrow the owner, which is being dropped.
        let _ = unsafe { munmap(self.start.cast(), self.bytes.get()) };
    }
}

// ANCHOR: shared_slice
/// `len` values of `T` in one shared mapping, all zero to start with.
///
/// Create it *before* forking: a child forked afterwards inherits the mapping
/// and sees the parent's stores, and the parent sees the child's. A mapping
/// made in a child after the fork exists in that child only.
pub struct SharedSlice<T: ProcessShared> {
    mapping: Mapping,
    len: usize,
    _values: PhantomData<T>,
}

impl<T: ProcessShared> SharedSlice<T> {
    /// Maps `len` zeroed values of `T`, shared with any child forked later.
    ///
    /// Fails with `InvalidInput` if `T` must be aligned to more than a page:
    /// the mapping starts on a page boundary, so its values would be
    /// misaligned, and a reference to them undefined behaviour.
    pub fn new(len: usize) -> io::Result<Self> {
        let align = std::mem::align_of::<T>();
        if align > page_size() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a {} must be aligned to {align} bytes, more than a page",
                    std::any::type_name::<T>()
                ),
            ));
        }
        let bytes = std::mem::size_of::<T>()
            .checked_mul(len)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "mapping too large"))?;
        Ok(SharedSlice {
            mapping: Mapping::new(bytes)?,
            len,
            _values: PhantomData,
        })
    }
}

impl<T: ProcessShared> Deref for SharedSlice<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: the pointer is aligned for T: the mapping starts on a page
        // boundary and `new` refused any T aligned beyond a page (alignments
        // are powers of two, so a page boundary is a multiple of T's). The
        // mapping holds `len * size_of::<T>()` bytes (or one byte when that
        // is 0), lives as long as `self`, and is never unmapped while this
        // borrow lasts. Its bytes are zero or were written through `&T`
        // methods of T, so they are a valid T (`ProcessShared`). Only shared
        // references are handed out, and T is `Sync`.
        unsafe { std::slice::from_raw_parts(self.mapping.start.as_ptr().cast::<T>(), self.len) }
    }
}
// ANCHOR_END: shared_slice

/// One value of `T` in a shared mapping, zero to start with: a
/// [`SharedSlice`] of length one that dereferences to the value.
pub struct SharedValue<T: ProcessShared> {
    slice: SharedSlice<T>,
}

impl<T: ProcessShared> SharedValue<T> {
    /// Maps one zeroed `T`, shared with any child forked later.
    pub fn new() -> io::Result<Self> {
        Ok(SharedValue {
            slice: SharedSlice::new(1)?,
        })
    }
}

impl<T: ProcessShared> Deref for SharedValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.slice[0]
    }
}

// SAFETY: the raw pointer is what keeps these from being derived. Moving
// the owner to another thread moves the right to unmap, which is fine for
// memory owned by no thread; the values are only reached through `&T`,
// and `T: Send + Sync` (`ProcessShared`).
unsafe impl<T: ProcessShared> Send for SharedSlice<T> {}
// SAFETY: a `&SharedSlice<T>` gives out only `&T`, and `T: Sync`.
unsafe impl<T: ProcessShared> Sync for SharedSlice<T> {}

/// The size of a memory page (4096 on x86-64 Linux).
fn page_size() -> usize {
    // SAFETY: sysconf takes a constant and returns a number (or -1).
    let size = unsafe { nix::libc::sysconf(nix::libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096)
}
