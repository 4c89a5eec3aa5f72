//! `cargo bench -p bench [-- FILTER]`: the Rust side alone, with criterion's
//! own report. `bench-report` runs the same list and writes the book's page.

use criterion::{Criterion, criterion_main};

fn benches() {
    let mut criterion = Criterion::default().configure_from_args();
    bench::suite::register(&mut criterion, None);
    criterion.final_summary();
}

criterion_main!(benches);
