//! mdBook's warnings and errors, caught as they are logged.
//!
//! mdBook reports problems such as a broken `{{#include}}` through `tracing`
//! and goes on building, so a build can "succeed" with holes in it. This small
//! subscriber (instead of the whole `tracing-subscriber` stack) keeps every
//! warning and error, and can show them on standard error as they come.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One warning or error logged during a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    /// The module that logged it (e.g. `mdbook_driver::builtin_preprocessors::links`).
    pub target: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.level == Level::ERROR {
            "error"
        } else {
            "warning"
        };
        write!(f, "mdbook {level}: {}", self.message)
    }
}

/// Whether diagnostics are printed as they come, and those caught so far.
/// Global because a `tracing` subscriber is global: mdBook may log from any
/// thread.
static ECHO: AtomicBool = AtomicBool::new(false);
static CAUGHT: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());

/// Keeps every warning and error; ignores spans and lesser levels.
struct Collector;

impl Subscriber for Collector {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::WARN)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = MessageText::default();
        event.record(&mut text);
        let diagnostic = Diagnostic {
            level: *event.metadata().level(),
            target: event.metadata().target().to_string(),
            message: text.0,
        };
        if ECHO.load(Ordering::Relaxed) {
            eprintln!("{diagnostic}");
        }
        caught().push(diagnostic);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The `message` field first, then any other fields as `name=value`.
#[derive(Default)]
struct MessageText(String);

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let fields = std::mem::take(&mut self.0);
            let _ = write!(self.0, "{value:?}");
            if !fields.is_empty() {
                self.0.push(' ');
                self.0.push_str(&fields);
            }
        } else {
            if !self.0.is_empty() {
                self.0.push(' ');
            }
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}

fn caught() -> std::sync::MutexGuard<'static, Vec<Diagnostic>> {
    CAUGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `work` and returns its result with the warnings and errors logged
/// meanwhile. With `echo`, they are also printed on standard error at once.
pub fn capture<T>(echo: bool, work: impl FnOnce() -> T) -> (T, Vec<Diagnostic>) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // Fails only if another subscriber was installed first; diagnostics
        // are then not caught, and the build itself is unaffected.
        let _ = tracing::subscriber::set_global_default(Collector);
    });
    caught().clear();
    ECHO.store(echo, Ordering::Relaxed);
    let value = work();
    ECHO.store(false, Ordering::Relaxed);
    let diagnostics = std::mem::take(&mut *caught());
    (value, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_errors_are_caught_and_info_is_not() {
        let ((), caught) = capture(false, || {
            tracing::info!("Book building has started");
            tracing::warn!("Caused By: {}", "no such file");
            tracing::error!(path = "a.md", "Error updating \"{}\"", "x");
        });
        let messages: Vec<&str> = caught.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "Caused By: no such file",
                "Error updating \"x\" path=\"a.md\""
            ]
        );
        assert_eq!(
            caught[1].to_string(),
            "mdbook error: Error updating \"x\" path=\"a.md\""
        );
    }
}
