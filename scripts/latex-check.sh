#!/usr/bin/env bash
# Compiles the LaTeX derivations with pdflatex and fails on an error or an overfull line:
# `gate --format latex --standalone` (English and Portuguese) for every case of the reference
# activations and five library activations with exact constants, and
# `prove --format latex --standalone` for every examples/*.tg, two refusals, documents of
# `expand` and `diff`, and documents with long exact constants (selu's 62-digit numbers, the
# tanh towers' constants of thousands of characters, tan's order-40 coefficients), which must
# break across lines or be named. An overfull box wider than $TG_OVERFULL_PT points (default
# 1) fails.
# Usage: scripts/latex-check.sh TAYLORGATE_BINARY [WORKDIR]
set -euo pipefail
bin=$1
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${TG_REFERENCE:-$root/tests/data/activations.json}
mkdir -p "$work"
fail=0
n=0

compile() { # name
  local name=$1
  if ! (cd "$work" && pdflatex -halt-on-error -interaction=nonstopmode "$name.tex" >/dev/null 2>&1); then
    echo "FAIL $name: pdflatex error"; grep -A5 '^!' "$work/$name.log" | head -20; fail=$((fail+1)); return
  fi
  local widest
  widest=$(grep -o 'Overfull \\[hv]box ([0-9.]*pt too' "$work/$name.log" | grep -o '[0-9.]*pt' | tr -d pt | sort -g | tail -1 || true)
  if [ -n "$widest" ] && awk -v w="$widest" -v t="${TG_OVERFULL_PT:-1}" 'BEGIN { exit !(w > t) }'; then
    echo "FAIL $name: overfull box, ${widest}pt too wide"; grep -A2 'Overfull' "$work/$name.log" | head -12; fail=$((fail+1)); return
  fi
  n=$((n+1))
}

# name<TAB>expression<TAB>bias (empty: let gate choose)
cases=$(python3 - "$ref" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["cases"]:
    p = c["point"].replace("log(", "ln(")
    print(f'{c["name"]}\t{c["expr"]}\t{"" if p == "0" else p}')
for name in ["gelu", "gelu_tanh", "tanhexp", "serf", "erf"]:
    print(f"{name}\t{name}\t")
PY
)
while IFS=$'\t' read -r name expr bias; do
  for lang in en pt; do
    args=(gate "$expr" --format latex --standalone --lang "$lang")
    [ -n "$bias" ] && args+=("--bias=$bias")
    "$bin" "${args[@]}" > "$work/gate-$name-$lang.tex" || [ $? -eq 1 ]
    compile "gate-$name-$lang"
  done
done <<< "$cases"
for f in "$root"/examples/*.tg; do
  b=$(basename "$f" .tg)
  for lang in en pt; do
    "$bin" prove "$f" --format latex --standalone --lang "$lang" > "$work/prove-$b-$lang.tex" || [ $? -eq 1 ]
    compile "prove-$b-$lang"
  done
done
# The sections of a given scale (refuted, certified, enclosed without epsilon) and of the
# floating-point certificate (reached, not reached), in each language.
for lang in en pt; do
  "$bin" gate softplus --lambda 1/8 --epsilon 1e-3 --radius 1 --format latex --standalone --lang "$lang" > "$work/lambda-refuted-$lang.tex" || [ $? -eq 1 ]
  compile "lambda-refuted-$lang"
  "$bin" gate softplus --lambda 1/8 --epsilon 1e-2 --radius 1 --format latex --standalone --lang "$lang" > "$work/lambda-certified-$lang.tex"
  compile "lambda-certified-$lang"
  "$bin" gate tanh --lambda 1/4 --radius 2 --format latex --standalone --lang "$lang" > "$work/lambda-enclosed-$lang.tex"
  compile "lambda-enclosed-$lang"
  "$bin" gate softplus --epsilon 1e-6 --radius 1 --float f64 --format latex --standalone --lang "$lang" > "$work/float-f64-$lang.tex"
  compile "float-f64-$lang"
  "$bin" gate softplus --epsilon 1e-3 --radius 2 --float f32 --format latex --standalone --lang "$lang" > "$work/float-f32-$lang.tex" || [ $? -eq 1 ]
  compile "float-f32-$lang"
done
# Refusals (the reason, in each language) and the other commands' documents.
for lang in en pt; do
  "$bin" gate relu --format latex --standalone --lang "$lang" > "$work/refuse-relu-$lang.tex" || [ $? -eq 1 ]
  compile "refuse-relu-$lang"
  "$bin" gate 'x^3' --bias 0 --format latex --standalone --lang "$lang" > "$work/refuse-cube-$lang.tex" || [ $? -eq 1 ]
  compile "refuse-cube-$lang"
done
"$bin" expand mish --order 8 --format latex --standalone > "$work/expand-mish.tex"
compile expand-mish
"$bin" expand 'exp(-x^2)' --at 'ln(2)' --order 6 --format latex --standalone > "$work/expand-gauss.tex"
compile expand-gauss
"$bin" diff softplus -n 3 --at 'ln(3)' --format latex --standalone > "$work/diff-softplus.tex"
compile diff-softplus
# Long exact constants.
"$bin" gate selu --format latex --standalone > "$work/long-selu.tex"
compile long-selu
"$bin" gate 'tanh(tanh(exp(x)))' --format latex --standalone --lang pt > "$work/long-tower3.tex"
compile long-tower3
"$bin" gate 'tanh(tanh(tanh(exp(x))))' --format latex --standalone > "$work/long-tower4.tex"
compile long-tower4
"$bin" expand 'tan(x)' --order 40 --format latex --standalone > "$work/long-tan40.tex"
compile long-tan40
echo "latex: $n passed, $fail failed"
[ "$fail" -eq 0 ]
