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
pub unsafe trait ProcessShared: Send + Sync {}

// The lock-free atomics are plain CPU instructions on a memory address: they
// work the same whether the other party is a thread or a process.
unsafe impl ProcessShared for AtomicBool {}
unsafe impl ProcessShared for AtomicU8 {}
unsafe impl ProcessShared for AtomicU16 {}
unsafe impl ProcessShared for AtomicU32 {}
unsafe impl ProcessShared for AtomicU64 {}
unsafe impl ProcessShared for AtomicUsize {}
unsafe impl ProcessShared for AtomicI8 {}
unsafe impl ProcessShared for AtomicI16 {}
unsafe impl ProcessShared for AtomicI32 {}
unsafe impl ProcessShared for AtomicI64 {}
unsafe impl ProcessShared for AtomicIsize {}
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
    pub fn new(len: usize) -> io::Result<Self> {
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
        // SAFETY: the mapping is page aligned (enough for any T), holds at
        // least `len` values of T, and all-zero bytes are a valid T
        // (`ProcessShared`). Only shared references are handed out.
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

// SAFETY: the values are only reached through `&T`, and `T: Send + Sync`.
unsafe impl<T: ProcessShared> Send for SharedSlice<T> {}
// SAFETY: as above.
unsafe impl<T: ProcessShared> Sync for SharedSlice<T> {}
