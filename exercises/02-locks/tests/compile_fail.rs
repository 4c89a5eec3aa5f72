//! The programs in `compile_fail/` must be rejected by the compiler, with the
//! error the book names. They are also `compile_fail` doctests of
//! `demos::shared_counter::locked_counter`, but stable rustdoc checks only
//! that a doctest fails to compile, not *which* error it gets (the error
//! code is checked on nightly only), so this test asks rustc itself.

use std::io::Write;
use std::process::{Command, Stdio};

/// Compiles `source` as a binary (metadata only, nothing is written but a
/// scratch file) and returns rustc's diagnostics.
fn rustc_errors(name: &str, source: &str) -> String {
    let out_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile_fail");
    std::fs::create_dir_all(&out_dir).expect("could not create a scratch directory");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let mut child = Command::new(&rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--emit",
            "metadata",
        ])
        .args(["--crate-name", name, "--error-format", "short", "--out-dir"])
        .arg(&out_dir)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {rustc}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let output = child.wait_with_output().expect("could not wait for rustc");
    assert!(
        !output.status.success(),
        "compile_fail/{name}.rs compiled, but it must not"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn two_threads_changing_one_local_counter_is_error_e0499() {
    let errors = rustc_errors(
        "unsynchronized_counter",
        include_str!("../compile_fail/unsynchronized_counter.rs"),
    );
    assert!(
        errors.contains("error[E0499]") && errors.contains("more than once at a time"),
        "expected E0499 (two mutable borrows of `counter`); rustc said:\n{errors}"
    );
}

#[test]
fn sending_an_rc_to_another_thread_is_error_e0277() {
    let errors = rustc_errors(
        "rc_across_threads",
        include_str!("../compile_fail/rc_across_threads.rs"),
    );
    assert!(
        errors.contains("error[E0277]") && errors.contains("cannot be sent between threads safely"),
        "expected E0277 (`Rc` is not `Send`); rustc said:\n{errors}"
    );
}
