#!/usr/bin/env bash
# The Rust tests: unit, integration and doc tests.
set -euo pipefail
cd "$TG_ROOT"
cargo test --release
