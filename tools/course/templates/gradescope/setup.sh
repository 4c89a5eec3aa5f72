#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu; the zip's contents are in /autograder/source). It installs the Rust
# toolchain with rustup and builds the course once, so that grading a
# submission only recompiles the student's files.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    ca-certificates curl build-essential git pkg-config >/dev/null
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
    sh -s -- -y --profile minimal --default-toolchain stable
# shellcheck source=/dev/null
source "$HOME/.cargo/env"
cd /autograder/source/course
cargo build --quiet -p course
# Every exercise crate and its tests, compiled once against the starter code.
cargo test --workspace --no-run --quiet
