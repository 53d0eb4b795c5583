#!/usr/bin/env bash
# The teaching material: every LaTeX derivation compiles with pdflatex without an error or an
# overfull line (scripts/latex-check.sh), and every Markdown formula renders in KaTeX strict
# mode (tests/js/katex-check.js).
set -euo pipefail
cd "$TG_ROOT"
cargo build --release --quiet
bin="$TG_ROOT/target/release/taylorgate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scripts/latex-check.sh "$bin" "$work/latex"

mkdir -p "$work/md"
for act in exp softplus silu gelu mish gaussian sigmoid tanh square gelu_tanh tanhexp serf erf hardswish relu; do
  for lang in en pt; do
    "$bin" gate "$act" --format markdown --lang "$lang" --epsilon 1e-3 > "$work/md/gate-$act-$lang.md" || [ $? -eq 1 ]
  done
done
"$bin" gate tanh --inputs 3 --format markdown > "$work/md/gate-tanh3.md"
"$bin" gate selu --format markdown > "$work/md/gate-selu.md"
"$bin" gate 'tanh(tanh(exp(x)))' --format markdown > "$work/md/gate-tower3.md"
"$bin" gate sigmoid --bias 'ln(3)' --format markdown --digits 10 > "$work/md/gate-sigmoid-ln3.md"
for f in examples/*.tg; do
  "$bin" prove "$f" --format markdown > "$work/md/prove-$(basename "$f" .tg).md" || [ $? -eq 1 ]
done
"$bin" expand mish --order 6 --format markdown > "$work/md/expand-mish.md"
"$bin" expand 'exp(-x^2)' --at 'ln(2)' --order 4 --format markdown > "$work/md/expand-gauss.md"
"$bin" diff softplus -n 3 --at 'ln(3)' --format markdown > "$work/md/diff-softplus.md"
node tests/js/katex-check.js "$work"/md/*.md
