//! The same crash on a thread and in a child process.
//! `cargo run -p choosing --bin crash_isolation [panic-in-thread | abort-in-thread | abort-in-process]`
//! (no argument: the two cases the program survives).

use choosing::demos::isolation::{Crash, crash_a_child, crash_on_thread, no_core_files};

fn main() -> std::io::Result<()> {
    no_core_files();
    let cases: Vec<String> = match std::env::args().nth(1) {
        Some(case) => vec![case],
        None => vec!["panic-in-thread".into(), "abort-in-process".into()],
    };
    for case in &cases {
        match case.as_str() {
            "panic-in-thread" => match crash_on_thread(Crash::Panic) {
                Ok(()) => println!("panic in a thread: the job finished?"),
                Err(message) => println!("panic in a thread: join returned Err({message:?})"),
            },
            "abort-in-thread" => {
                println!("abort in a thread: here goes");
                let outcome = crash_on_thread(Crash::Abort);
                println!("abort in a thread: join returned {outcome:?}"); // never printed
            }
            "abort-in-process" => {
                let status = crash_a_child(Crash::Abort)?;
                println!(
                    "abort in a child process: the parent sees {status:?}, Python exitcode {}",
                    status.python_exitcode()
                );
            }
            other => panic!("unknown case {other:?}"),
        }
    }
    println!("main carried on");
    Ok(())
}
