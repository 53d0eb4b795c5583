#!/usr/bin/env bash
# Whole-process timings of taylorgate against FLINT (python-flint, whole process and in process),
# PARI/GP and SymPy, in one run. Installs what is missing (python-flint into the script's own
# venv bench/.venv), times each command (median of RUNS runs; one run at order 5000) and prints
# the ratios and the growth exponent between orders 1000 and 5000. Every tool prints all
# coefficients as decimal text.
#
#   bash bench/anchors.sh                  # orders 500 1000 2000 5000, tanh softplus sigmoid Mish
#   ORDERS="500 1000" RUNS=3 MEM_ORDERS=1000 bash bench/anchors.sh
#   VENV=/tmp/flintvenv TG=/tmp/old-taylorgate bash bench/anchors.sh   # another venv, a given binary
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${ORDERS:-500 1000 2000 5000}
RUNS=${RUNS:-5}
CASES=${CASES:-tanh softplus sigmoid mish}
MEM_ORDERS=${MEM_ORDERS:-1000 5000}
VENV=${VENV:-bench/.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import flint" 2>/dev/null || "$VENV/bin/pip" install -q python-flint
"$VENV/bin/python" -c "import sympy" 2>/dev/null || "$VENV/bin/pip" install -q sympy
PY=$VENV/bin/python
if [ -z "${TG:-}" ]; then cargo build --release -q; TG=target/release/taylorgate; fi
TMP=$(mktemp -d)

# FLINT: the same formulas over Q (it has no ln 2: softplus is ln((1+exp(x))/2), Mish uses
# tanh(ln z) = 1 - 2/(z^2+1) as taylorgate does). Prints the seconds spent after `import flint`
# (series and decimal text) on stderr when TIMED=1.
cat > "$TMP/flint_series.py" <<'PY'
import os, sys, time
from flint import fmpq_series, ctx
which, n = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
ctx.cap = n + 1
x = fmpq_series([0, 1])
def mish():
    z = 1 + x.exp()
    return x * (1 - 2 / (z * z + 1))
f = {"tanh": lambda: x.tanh(),
     "softplus": lambda: ((1 + x.exp()) / 2).log(),
     "sigmoid": lambda: 1 / (1 + (-x).exp()),
     "mish": mish}[which]()
c = f.coeffs()
out = "\n".join(str(c[k]) if k < len(c) else "0" for k in range(n + 1))
t1 = time.perf_counter()
sys.stdout.write(out + "\n")
if os.environ.get("TIMED"):
    print(f"{t1 - t0:.4f}", file=sys.stderr)
PY
cat > "$TMP/sympy_mish.py" <<'PY'
import sys
from sympy import symbols, tanh, log, exp, series
x = symbols("x"); n = int(sys.argv[1])
s = series(x * tanh(log(1 + exp(x))), x, 0, n + 1).removeO()
print("\n".join(str(s.coeff(x, k)) for k in range(n + 1)))
PY
tg_expr() { case $1 in
  tanh) echo "tanh(x)";; softplus) echo "ln(1+exp(x))";;
  sigmoid) echo "1/(1+exp(-x))";; mish) echo "x*tanh(ln(1+exp(x)))";;
esac; }

runs_for() { if [ "$1" -ge 5000 ]; then echo 1; else echo "$RUNS"; fi; }
median() {  # median wall time in seconds of a shell command, over $1 runs
  python3 - "$1" "$2" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2]
ts = []
for _ in range(runs):
    t = time.perf_counter(); subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, check=True)
    ts.append(time.perf_counter() - t)
print(f"{statistics.median(ts):.4f}")
PY
}
inproc() {  # median of FLINT's own in-process timing
  python3 - "$1" "$PY $TMP/flint_series.py $2 $3" <<'PY'
import subprocess, sys, statistics, os
runs, cmd = int(sys.argv[1]), sys.argv[2]
env = dict(os.environ, TIMED="1")
ts = [float(subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=env, check=True, text=True).stderr.split()[-1]) for _ in range(runs)]
print(f"{statistics.median(ts):.4f}")
PY
}

printf "%-9s %6s %10s %12s %12s %14s\n" case order taylorgate flint-proc flint-inproc tg/flint-inproc
declare -A T
for f in $CASES; do
  for n in $ORDERS; do
    r=$(runs_for "$n")
    tg=$(median "$r" "$TG expand '$(tg_expr "$f")' --order $n --format json --timeout 3600")
    fp=$(median "$r" "$PY $TMP/flint_series.py $f $n")
    fi=$(inproc "$r" "$f" "$n")
    T[$f,$n]=$tg
    printf "%-9s %6s %10s %12s %12s %14s\n" "$f" "$n" "$tg" "$fp" "$fi" \
      "$(python3 -c "print(round($tg/$fi,2))")"
  done
  set -- $ORDERS
  if [[ " $ORDERS " == *" 1000 "* && " $ORDERS " == *" 5000 "* ]]; then
    echo "  $f growth exponent 1000..5000: $(python3 -c "import math; print(round(math.log(${T[$f,5000]}/${T[$f,1000]})/math.log(5),2))")"
  fi
done
sy=$(median 1 "$PY $TMP/sympy_mish.py 16")
tg=$(median "$RUNS" "$TG expand '$(tg_expr mish)' --order 16 --format json")
echo "mish order 16: taylorgate $tg s, SymPy $sy s"
for n in $MEM_ORDERS; do
  echo "mish order $n under /usr/bin/time -v:"
  /usr/bin/time -v $TG expand "$(tg_expr mish)" --order $n --format json --timeout 3600 2>&1 >/dev/null \
    | grep -E "Elapsed|Maximum resident"
done
rm -rf "$TMP"
