#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer): each target (parse, expand, gate, prove) for
# TG_FUZZ_SECONDS (default 30) from the committed seeds (fuzz/seeds/<target>, plus examples/
# for parse and prove) and what earlier runs learnt (fuzz/corpus/<target>, not committed).
# Any crash (a panic aborts), a leak of an internal name into a message (an assertion of the
# targets), an input over 10 s (libFuzzer's -timeout) or over 2 GB of memory fails the run.
#
#   scripts/fuzz.sh                         # CI: 30 s each (scripts/test.d/50-fuzz.sh)
#   TG_FUZZ_SECONDS=3600 TG_FUZZ_TARGETS=gate nice -n 19 scripts/fuzz.sh   # longer
#
# Runs on the active toolchain: cargo-fuzz needs nightly flags, which RUSTC_BOOTSTRAP=1 allows
# on stable, so a machine with only stable Rust runs it too. cargo-fuzz is installed when
# absent. No sanitizer (-s none): the crate is safe Rust; a panic, an abort, a stack overflow
# and an out-of-memory are caught by libFuzzer itself.
set -euo pipefail
cd "${TG_ROOT:-$(dirname "$0")/..}"
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install --locked cargo-fuzz --quiet
fi
secs="${TG_FUZZ_SECONDS:-30}"
targets="${TG_FUZZ_TARGETS:-parse expand gate prove}"
cd fuzz
cargo fuzz build -s none
for target in $targets; do
  mkdir -p "corpus/$target"
  seeds=("seeds/$target")
  case "$target" in parse | prove) seeds+=(../examples) ;; esac
  echo "fuzz $target for $secs s"
  log=$(mktemp)
  status=0
  cargo fuzz run -s none "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=2048 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|slowest_unit_time_sec|peak_rss_mb))' "$log" || true
  if [ "$status" -ne 0 ]; then
    # The finding: libFuzzer's report, the input saved in fuzz/artifacts/<target>/.
    grep -v '^#' "$log" | tail -40
    rm -f "$log"
    echo "fuzz $target FAILED (exit $status): replay with" \
      "cargo fuzz run -s none $target fuzz/artifacts/$target/<file>"
    exit 1
  fi
  rm -f "$log"
done
