//! What may cross in shared memory: a plain value stored in the atomic of
//! its size, chapter 6's [`ProcessShared`] types.

use std::sync::atomic::{
    AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16,
    AtomicU32, AtomicU64, AtomicUsize, Ordering,
};

use shared_memory::demos::region::ProcessShared;

// ANCHOR: in_shared_memory
/// A value that a [`SharedMemoryPool`](super::SharedMemoryPool) can take as
/// an item or give back as a result. It is stored in a `Cell`, an atomic of
/// its size: a shared mapping may hold only [`ProcessShared`] types (zero is
/// a value, no pointer into private memory, no `Drop`, changed only by
/// atomic operations), and a `String` or a `Vec` is none of those.
///
/// Loads and stores are `Relaxed`: on x86-64 and ARM64 they are the plain
/// `mov`/`ldr`/`str` a non-atomic access would be. What orders them is the
/// chunk's ticket (see `ChunkRecord`), not each value.
pub trait InSharedMemory: Copy {
    /// The atomic that holds one value in shared memory.
    type Cell: ProcessShared;
    fn load(cell: &Self::Cell) -> Self;
    fn store(cell: &Self::Cell, value: Self);
}
// ANCHOR_END: in_shared_memory

/// The integers and `bool`: each in the atomic of the same type.
macro_rules! in_its_atomic {
    ($($value:ty => $cell:ty),* $(,)?) => {$(
        impl InSharedMemory for $value {
            type Cell = $cell;
            fn load(cell: &$cell) -> $value {
                cell.load(Ordering::Relaxed)
            }
            fn store(cell: &$cell, value: $value) {
                cell.store(value, Ordering::Relaxed)
            }
        }
    )*};
}

in_its_atomic! {
    bool => AtomicBool,
    u8 => AtomicU8, u16 => AtomicU16, u32 => AtomicU32, u64 => AtomicU64, usize => AtomicUsize,
    i8 => AtomicI8, i16 => AtomicI16, i32 => AtomicI32, i64 => AtomicI64, isize => AtomicIsize,
}

/// Floating-point numbers travel as their bits (there is no atomic float).
impl InSharedMemory for f64 {
    type Cell = AtomicU64;
    fn load(cell: &AtomicU64) -> f64 {
        f64::from_bits(cell.load(Ordering::Relaxed))
    }
    fn store(cell: &AtomicU64, value: f64) {
        cell.store(value.to_bits(), Ordering::Relaxed)
    }
}

impl InSharedMemory for f32 {
    type Cell = AtomicU32;
    fn load(cell: &AtomicU32) -> f32 {
        f32::from_bits(cell.load(Ordering::Relaxed))
    }
    fn store(cell: &AtomicU32, value: f32) {
        cell.store(value.to_bits(), Ordering::Relaxed)
    }
}
