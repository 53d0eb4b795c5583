#!/usr/bin/env bash
# The differential suite: random expressions through the release binary, judged against mpmath
# and SymPy (tests/differential/README.md). A fixed seed; fails on any wrong answer.
set -euo pipefail
cd "$TG_ROOT"
cargo build --release --quiet
# Any wrong answer fails the run, printed text (parsed back) included.
"$TG_VENV/bin/python" tests/differential/run.py --seed 20261201 --cases "${TG_DIFF_CASES:-200}" \
  --timeout 10 --jobs 2
