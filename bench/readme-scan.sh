#!/usr/bin/env bash
# Regenerates the scan table in README.md from `taylorgate scan --format markdown`.
# tests/scan.rs checks that the README's table equals the command's output.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
table=$(./target/release/taylorgate scan --format markdown)
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1].strip()
text = open("README.md").read()
new = re.sub(r"<!-- scan:start -->.*?<!-- scan:end -->",
             "<!-- scan:start -->\n" + table.replace("\\", "\\\\") + "\n<!-- scan:end -->", text, flags=re.S)
open("README.md", "w").write(new)
PY
echo "README.md scan table regenerated"
