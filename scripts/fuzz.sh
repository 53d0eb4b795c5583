#!/usr/bin/env bash
# Fuzzing (run by hand until it joins scripts/test.d): each cargo-fuzz target (parser, expand, gate, prove) for about 30 s from the
# committed seeds (fuzz/seeds/*); any crash, leak of an internal name or time-out fails.
# Longer runs: fuzz/README.md.
set -euo pipefail
cd "${TG_ROOT:-$(dirname "$0")/..}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi
secs="${TG_FUZZ_SECONDS:-30}"
for target in parse expand gate prove; do
  mkdir -p "fuzz/corpus/$target"
  echo "fuzz $target for $secs s"
  (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 2>&1 | tail -12)
done
