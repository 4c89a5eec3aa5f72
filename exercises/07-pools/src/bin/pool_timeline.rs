//! `cargo run -p pools --release --bin pool_timeline -- src/07-pools`: runs
//! `map(busy_square, 0..32)` on the three pools (4 workers each) and writes
//! `timeline-processes.svg`, `timeline-threads.svg` and `timeline-rayon.svg`
//! into the folder given (the current one by default).

use std::path::PathBuf;

use pools::demos::pool_timeline;

const WORKERS: usize = 4;
const ITEMS: u64 = 32;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_string()));
    let items: Vec<u64> = (0..ITEMS).collect();
    let chunksize = pools::demos::process_pool::python_chunksize(items.len(), WORKERS);
    let pictures = [
        (
            "timeline-processes.svg",
            pool_timeline::process_pool(WORKERS, &items, chunksize)?,
        ),
        (
            "timeline-threads.svg",
            pool_timeline::thread_pool(WORKERS, &items),
        ),
        ("timeline-rayon.svg", pool_timeline::rayon(WORKERS, &items)),
    ];
    for (name, timeline) in pictures {
        let path = folder.join(name);
        timeline.write_svg(&path)?;
        println!(
            "{}: {} bars on {} lanes",
            path.display(),
            timeline.bars().len(),
            timeline.lanes().len()
        );
    }
    Ok(())
}
