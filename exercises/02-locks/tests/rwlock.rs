//! Tests of the readers-writer lock demo and its program.

use locks::demos::rwlock::{PriceList, readers_and_writer};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use testkit::{DEADLINE, Rendezvous, bin_path, run_program, within};

fn fruit() -> PriceList {
    PriceList::new([("apple", 50), ("pear", 70)])
}

#[test]
fn readers_hold_the_lock_at_the_same_time() {
    const READERS: usize = 4;
    let list = Arc::new(fruit());
    let all_reading = Arc::new(Rendezvous::new(READERS));
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (list, all_reading) = (Arc::clone(&list), Arc::clone(&all_reading));
            // Each reader waits for the others *while holding the read lock*:
            // they only all arrive if the lock lets them in together.
            thread::spawn(move || list.read(|_| all_reading.wait(DEADLINE)))
        })
        .collect();
    for reader in readers {
        let met = reader.join().expect("a reader panicked");
        assert!(
            met.is_ok(),
            "readers should share an RwLock, but {}",
            met.unwrap_err()
        );
    }
}

#[test]
fn a_reader_keeps_the_writer_out() {
    let list = Arc::new(fruit());
    let got_in = list.read(|_| {
        let list = Arc::clone(&list);
        thread::spawn(move || list.try_write(|prices| prices.clear()).is_some())
            .join()
            .unwrap()
    });
    assert!(!got_in, "a writer got in while a reader held the lock");
    assert_eq!(
        list.price("apple"),
        Some(50),
        "the refused writer must not have changed anything"
    );
}

#[test]
fn a_writer_keeps_readers_out_until_it_is_done() {
    let list = Arc::new(fruit());
    let (seen_tx, seen_rx) = mpsc::channel();
    let reader = list.write(|prices| {
        prices.insert("apple".into(), 55);
        // A reader on another thread, while this write is in progress:
        let list = Arc::clone(&list);
        let try_now = thread::spawn({
            let list = Arc::clone(&list);
            move || list.try_read(|p| p["apple"])
        })
        .join()
        .unwrap();
        assert_eq!(
            try_now, None,
            "a reader got in while the writer held the lock"
        );
        // ...and one that waits: it must see the write complete, never half of it.
        let reader = thread::spawn(move || {
            let _ = seen_tx.send(list.read(|p| (p["apple"], p["pear"])));
        });
        prices.insert("pear".into(), 77);
        reader
    });
    let seen = within(
        DEADLINE,
        "the waiting reader",
        "the write lock was never released",
        move || seen_rx.recv().expect("the reader thread panicked"),
    );
    assert_eq!(
        seen,
        (55, 77),
        "the reader should see both prices of the finished write"
    );
    reader.join().unwrap();
}

#[test]
fn readers_see_whole_raises_only_and_never_go_back() {
    let list = PriceList::new([("apple", 50), ("bread", 250), ("milk", 120)]);
    let start = 420;
    let seen = within(
        DEADLINE,
        "4 readers and a writer",
        "deadlock in the RwLock demo",
        move || readers_and_writer(&list, 4, 500),
    );
    for (reader, totals) in seen.iter().enumerate() {
        for total in totals {
            assert_eq!(
                (total - start) % 3,
                0,
                "reader {reader} saw a total of {total}: a raise was half done while it read"
            );
        }
        assert!(
            totals.windows(2).all(|w| w[0] <= w[1]),
            "reader {reader} saw the total go down: {totals:?}"
        );
    }
}

#[test]
fn the_price_list_program_reports_no_half_done_raise() {
    let run = run_program(bin_path!("price_list"), &[], DEADLINE);
    assert!(run.status.success(), "price_list failed: {}", run.stderr);
    assert_eq!(
        run.count_lines_containing("0 half-done raises"),
        4,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("end: apple costs 1050 cents"),
        "{}",
        run.stdout
    );
}
