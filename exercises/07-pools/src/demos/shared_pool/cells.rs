//! What may cross in shared memory: a plain value kept in the atomic of its
//! size, one of chapter 6's [`ProcessShared`] types.

use std::sync::atomic::{
    AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16, AtomicU32,
    AtomicU64, AtomicUsize,
};

use shared_memory::demos::region::ProcessShared;

// ANCHOR: in_shared_memory
/// A value that a [`SharedMemoryPool`](super::SharedMemoryPool) takes as an
/// item or gives back as a result. The mappings hold `Cell`s: a shared
/// mapping may only hold [`ProcessShared`] types (zero is a value, no pointer
/// into private memory, no `Drop`), and a `String` or a `Vec` is none of
/// those. The pool copies whole chunks of values in and out of the cells as
/// plain memory, one `memcpy` each, and only when no other process touches
/// them (its `SAFETY` comments say why).
///
/// # Safety
///
/// `Cell` has the size of `Self` and at least its alignment, and every bit
/// pattern is a valid `Self` (zero is what a fresh mapping holds, and a
/// worker that dies leaves whatever it had written). The atomic of the same
/// width is such a cell for every integer.
pub unsafe trait InSharedMemory: Copy {
    /// What holds one value in shared memory.
    type Cell: ProcessShared;
}
// ANCHOR_END: in_shared_memory

/// The integers and the floats: each in the atomic of its width.
macro_rules! in_its_atomic {
    ($($value:ty => $cell:ty),* $(,)?) => {$(
        // SAFETY: the atomic of an integer has its size and bit validity, and
        // an alignment at least its own (`AtomicU64` is 8-aligned even where
        // `u64` is 4-aligned); a float has the size of its bits' integer,
        // and every bit pattern is a float (some of them NaNs).
        unsafe impl InSharedMemory for $value {
            type Cell = $cell;
        }
    )*};
}

in_its_atomic! {
    u8 => AtomicU8, u16 => AtomicU16, u32 => AtomicU32, u64 => AtomicU64, usize => AtomicUsize,
    i8 => AtomicI8, i16 => AtomicI16, i32 => AtomicI32, i64 => AtomicI64, isize => AtomicIsize,
    f32 => AtomicU32, f64 => AtomicU64,
}

/// The cells' memory, seen as values. Writing through the pointer is
/// allowed: the cells are atomics, whose bytes sit in an `UnsafeCell`.
pub(super) fn as_values<V: InSharedMemory>(cells: &[V::Cell]) -> *mut V {
    cells.as_ptr().cast_mut().cast()
}
