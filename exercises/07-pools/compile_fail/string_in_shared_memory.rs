use pools::demos::shared_pool::SharedMemoryPool;

fn shout(text: String) -> String {
    text.to_uppercase()
}

fn main() {
    // SAFETY: `shout` only computes and allocates.
    let pool = unsafe { SharedMemoryPool::new(2, 100, shout) };
    // A `String` is a pointer to the parent's heap: no cell can hold it.
    drop(pool);
}
