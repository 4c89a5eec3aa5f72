//! `cargo run -p locks --bin deadlock` deadlocks on purpose and says so;
//! `cargo run -p locks --bin deadlock -- --ordered` takes the locks in a
//! global order and finishes.

use locks::demos::deadlock::{LockOrder, Outcome, run_transfers};
use std::time::Duration;

// ANCHOR: main
fn main() {
    let order = match std::env::args().nth(1).as_deref() {
        None => LockOrder::FromThenTo,
        Some("--ordered") => LockOrder::ById,
        Some(other) => {
            eprintln!("unknown argument {other:?}; usage: deadlock [--ordered]");
            std::process::exit(2);
        }
    };
    let patience = Duration::from_secs(2);
    match run_transfers(order, patience, |event| println!("{event}")) {
        Outcome::Finished { balances } => {
            println!(
                "done: account 1 holds {}, account 2 holds {}",
                balances[0], balances[1]
            );
        }
        Outcome::Deadlocked { stuck } => give_up(patience, &stuck),
    }
}
// ANCHOR_END: main

// ANCHOR: give_up
/// No progress for `patience`: say who holds what, then end the process.
fn give_up(patience: Duration, stuck: &[(&str, u32, u32)]) -> ! {
    println!("DEADLOCK: no progress for {patience:?}");
    for (who, holds, wants) in stuck {
        println!("  {who} holds account {holds} and waits for account {wants}");
    }
    println!("fix: lock accounts in one global order (try --ordered)");
    // The two stuck threads can never be joined; exiting the process ends
    // them. Returning from main would do the same, with exit code 0.
    std::process::exit(1)
}
// ANCHOR_END: give_up
