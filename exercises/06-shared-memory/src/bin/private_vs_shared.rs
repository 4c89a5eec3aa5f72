//! A child stores the same value in private and in shared memory; the parent
//! reads both. `cargo run -p shared-memory --bin private_vs_shared`

use shared_memory::demos::private_vs_shared::store_in_child;

fn main() -> std::io::Result<()> {
    let seen = store_in_child(42)?;
    println!("the child stored {} in both places", seen.stored);
    println!("the parent reads its private Box:  {}", seen.private);
    println!("the parent reads the shared page: {}", seen.shared);
    Ok(())
}
