#!/usr/bin/env bash
# Whole-process time of `taylorgate expand` on random compositions of depth 4 at random exact
# points, order 6 (the expression generator of the differential suite, tests/differential/gen.py).
# Prints the median, the 90th and 99th percentile, the maximum and how many took over 5 s; an
# error exit (a located refusal, exit 2) counts like an answer, a crash (any other code) fails.
#
#   bash bench/compositions.sh               # 500 cases, seed 1
#   N=100 SEED=7 LIMIT=30 bash bench/compositions.sh
#   TG=/path/to/taylorgate bash bench/compositions.sh   # an already built binary
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-500}
SEED=${SEED:-1}
LIMIT=${LIMIT:-60}
PY=${TG_VENV:-bench/.venv}/bin/python
[ -x "$PY" ] || PY=python3
"$PY" -c "import mpmath, sympy" 2>/dev/null || "$(dirname "$PY")/pip" install -q mpmath sympy
if [ -z "${TG:-}" ]; then cargo build --release -q; TG="$(pwd)/target/release/taylorgate"; fi
TG="$TG" N=$N SEED=$SEED LIMIT=$LIMIT "$PY" - <<'PY'
import os, random, statistics, subprocess, sys, time
sys.path.insert(0, "tests/differential")
import gen

tg, n, seed, limit = os.environ["TG"], int(os.environ["N"]), int(os.environ["SEED"]), int(os.environ["LIMIT"])
rng = random.Random(seed)
times, slow, crashes = [], [], []
for i in range(n):
    e = gen.Gen(rng).expr(4)
    point, _ = rng.choice(gen.POINTS)
    args = [tg, "expand", gen.tg(e), "--at=" + point, "--order", "6", "--format", "json"]
    t = time.perf_counter()
    try:
        r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=limit)
        code = r.returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    dt = time.perf_counter() - t
    times.append(dt)
    if code not in (0, 2):
        crashes.append((code, args[2], point))
    if dt > 5:
        slow.append((round(dt, 2), args[2], point))
times.sort()
q = lambda f: times[min(len(times) - 1, int(f * len(times)))]
print(f"cases {n}  median {statistics.median(times):.3f} s  p90 {q(0.9):.3f} s  "
      f"p99 {q(0.99):.3f} s  max {times[-1]:.2f} s  over 5 s: {len(slow)}")
for s in sorted(slow, reverse=True)[:20]:
    print("  slow:", *s)
for c in crashes:
    print("  CRASH:", *c)
sys.exit(1 if crashes else 0)
PY
