#!/usr/bin/env bash
# Fuzzing: each cargo-fuzz target for about 30 s (scripts/fuzz.sh, fuzz/README.md); any crash,
# hang over 10 s, leak of an internal name into a message, or memory over 2 GB fails.
set -euo pipefail
cd "$TG_ROOT"
TG_FUZZ_SECONDS="${TG_FUZZ_SECONDS:-30}" scripts/fuzz.sh
