//! What the tool's integration tests share.

use std::path::Path;

/// Copies the folder `from` to `to`, recursively, leaving out the build
/// folders `target/` and `book/` (a copy of a repository must build on its
/// own, never reuse another copy's artifacts).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" && entry.file_name() != "book" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
