//! `cargo run -p locks --bin price_list`: readers total a price list while a
//! writer raises every price, under an RwLock.

use locks::demos::rwlock::{PriceList, readers_and_writer};

fn main() {
    let list = PriceList::new([("apple", 50), ("bread", 250), ("milk", 120)]);
    let start: u64 = list.read(|prices| prices.values().sum());
    println!("start: total {start} cents over 3 items");
    let seen = readers_and_writer(&list, 4, 1_000);
    for (reader, totals) in seen.iter().enumerate() {
        let raises: Vec<u64> = totals.iter().map(|t| (t - start) / 3).collect();
        let partial = totals
            .iter()
            .filter(|t| !(*t - start).is_multiple_of(3))
            .count();
        println!(
            "reader {reader}: saw {} totals, from {} to {} raises, {partial} half-done raises",
            totals.len(),
            raises.first().unwrap(),
            raises.last().unwrap()
        );
    }
    println!("end: apple costs {} cents", list.price("apple").unwrap());
}
