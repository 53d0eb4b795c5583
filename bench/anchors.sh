#!/usr/bin/env bash
# Whole-process timings of taylorgate against FLINT (python-flint), PARI/GP and SymPy, in one run.
# Installs what is missing, times each command (median of repeated runs: hyperfine if present,
# else a Python loop), and prints the ratios. Every tool prints all coefficients as decimal text.
#
#   bash bench/anchors.sh            # order 1000 for tanh/softplus/sigmoid, Mish at 16 and 1000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-5}
command -v gp >/dev/null || { apt-get update -qq && apt-get install -y -qq pari-gp; }
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine || true
python3 -c "import flint" 2>/dev/null || pip install -q python-flint
python3 -c "import sympy" 2>/dev/null || pip install -q sympy
cargo build --release -q
TG=target/release/taylorgate
TMP=$(mktemp -d)

cat > "$TMP/flint_series.py" <<'PY'
import sys
from flint import fmpq_series, ctx
which, n = sys.argv[1], int(sys.argv[2])
ctx.cap = n + 1
x = fmpq_series([0, 1])
f = {"tanh": lambda: x.tanh(),
     "softplus": lambda: ((1 + x.exp()) / 2).log(),
     "sigmoid": lambda: 1 / (1 + (-x).exp())}[which]()
c = f.coeffs()
print("\n".join(str(c[k]) if k < len(c) else "0" for k in range(n + 1)))
PY
cat > "$TMP/sympy_mish.py" <<'PY'
import sys
from sympy import symbols, tanh, log, exp, series
x = symbols("x"); n = int(sys.argv[1])
s = series(x * tanh(log(1 + exp(x))), x, 0, n + 1).removeO()
print("\n".join(str(s.coeff(x, k)) for k in range(n + 1)))
PY
gp_expr() { case $1 in
  tanh) echo "tanh(x + O(x^$(($2+1))))";;
  softplus) echo "log(1 + exp(x + O(x^$(($2+1)))))";;
  sigmoid) echo "1/(1 + exp(-x + O(x^$(($2+1)))))";;
  mish) echo "x*tanh(log(1 + exp(x + O(x^$(($2+1))))))";;
esac; }
tg_expr() { case $1 in
  tanh) echo "tanh(x)";; softplus) echo "ln(1+exp(x))";;
  sigmoid) echo "1/(1+exp(-x))";; mish) echo "x*tanh(ln(1+exp(x)))";;
esac; }

median() {  # median wall time in seconds of a shell command
  python3 - "$RUNS" "$1" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2]
ts = []
for _ in range(runs):
    t = time.perf_counter(); subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, check=True)
    ts.append(time.perf_counter() - t)
print(f"{statistics.median(ts):.4f}")
PY
}

printf "%-10s %6s %10s %10s %10s %10s\n" case order taylorgate flint pari sympy
for f in tanh softplus sigmoid; do
  tg=$(median "$TG expand '$(tg_expr $f)' --order $N --format json")
  fl=$(median "python3 $TMP/flint_series.py $f $N")
  gp=$(median "echo 'default(parisizemax,2^30); default(seriesprecision,$((N+1))); s=$(gp_expr $f $N); for(k=0,$N,print(polcoeff(s,k)))' | gp -q")
  printf "%-10s %6s %10s %10s %10s %10s   tg/flint=%s\n" $f $N $tg $fl $gp - \
    "$(python3 -c "print(round($tg/$fl,2))")"
done
for n in 16 $N; do
  tg=$(median "$TG expand '$(tg_expr mish)' --order $n --format json")
  gp=$(median "echo 'default(parisizemax,2^30); s=$(gp_expr mish $n); for(k=0,$n,print(polcoeff(s,k)))' | gp -q")
  sy=-
  if [ "$n" -le 20 ]; then sy=$(RUNS=1 median "python3 $TMP/sympy_mish.py $n"); fi
  printf "%-10s %6s %10s %10s %10s %10s\n" mish $n $tg - $gp $sy
done
/usr/bin/time -v $TG expand "$(tg_expr mish)" --order $N --format json 2>&1 >/dev/null \
  | grep -E "Elapsed|Maximum resident"
rm -rf "$TMP"
