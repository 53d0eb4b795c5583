#!/usr/bin/env bash
# Whole-process time of `taylorgate scan` over the library (median of repeated runs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
runs=${RUNS:-15}
python3 - "$runs" <<'PY'
import subprocess, sys, time, statistics
runs = int(sys.argv[1])
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(["./target/release/taylorgate", "scan"], check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
print(f"taylorgate scan (whole process, {runs} runs): median {statistics.median(times)*1000:.1f} ms, "
      f"min {min(times)*1000:.1f} ms, max {max(times)*1000:.1f} ms")
PY
