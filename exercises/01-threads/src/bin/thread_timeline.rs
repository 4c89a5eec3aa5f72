//! The singer and the dancer again, each beat recorded as a span, drawn as a
//! timeline: `cargo run -p threads --bin thread_timeline -- src/01-threads/sing-and-dance.svg`

use std::sync::Arc;
use std::thread;
use threads::demos::interleaving::BEAT;
use timeline::Recorder;

/// Runs `times` beats on a thread named `who`, each one recorded as a span.
fn perform(recorder: &Arc<Recorder>, who: &str, line: &str, times: u32) -> thread::JoinHandle<()> {
    let (recorder, who, line) = (Arc::clone(recorder), who.to_string(), line.to_string());
    thread::Builder::new()
        .name(who.clone())
        .spawn(move || {
            for beat in 1..=times {
                recorder.record(&who, &format!("{line} {beat}"), || {
                    println!("{line}...");
                    thread::sleep(BEAT);
                });
            }
        })
        .expect("could not spawn a performer")
}

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sing-and-dance.svg".into());
    let recorder = Arc::new(Recorder::new());
    let singer = perform(&recorder, "singer", "Singing", 3);
    let dancer = perform(&recorder, "dancer", "Dancing", 5);
    recorder.record("main", "join(singer), join(dancer)", || {
        singer.join().expect("the singer panicked");
        dancer.join().expect("the dancer panicked");
    });
    let title = "singing 3 beats and dancing 5, on two threads";
    recorder
        .timeline()
        .title(title)
        .lane_order(&["main", "singer", "dancer"])
        .write_svg(&path)?;
    println!("main: wrote {path}");
    Ok(())
}
