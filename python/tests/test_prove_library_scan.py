"""prove, library and scan: objects and the same data as the CLI."""

from fractions import Fraction
from pathlib import Path

import taylorgate as tg
from conftest import cli


def test_prove_a_file_and_a_text(tmp_path):
    text = "f(x) = exp(x)\nclaim f(x) = 1 + x + O(x^2)\nclaim f(x) = 1 + 2*x + O(x^2)\n"
    good, bad = tg.prove(text)
    assert good.proved and good.line == 2 and good.remainder.order == 2
    assert good.remainder.leading[0].coefficient == Fraction(1, 2)
    assert good.remainder.bound is not None and good.remainder.bound.order == 2
    assert str(good).startswith("line 2:") and "PROVED" in good._repr_markdown_()
    assert bad.status == "refuted" and bad.line == 3 and not bad.proved
    t = bad.difference[0]
    assert t.powers == (1,) and t.left == 1 and t.right == 2 and t.coefficient == -1
    file = tmp_path / "c.tg"
    file.write_text(text)
    code, data = cli("prove", str(file))
    assert code == 1
    assert [c.data for c in tg.prove(Path(file))] == data["claims"]
    assert [c.data for c in tg.prove(str(file))] == data["claims"]


def test_library_is_the_cli_list():
    lib = tg.library()
    names = [a.name for a in lib]
    assert "softplus" in names and "relu" in names
    _, data = cli("list", code=0)
    assert [a.__dict__ for a in lib] == data["activations"]


def test_scan_of_definitions_is_the_cli_scan(tmp_path):
    src = "good(x) = ln(1 + exp(x))\nline(x) = 2*x + 1\n"
    rows = tg.scan(src)
    assert [r.name for r in rows] == ["good", "line"]
    good, line = rows
    assert good.admits and good.bias == 0 and good.leading_error == Fraction(-1, 12)
    assert good.remainder_order == 4 and good.error is None
    assert not line.admits and line.verdict == "does not admit"
    file = tmp_path / "s.tg"
    file.write_text(src)
    _, data = cli("scan", "--file", str(file), code=0)
    assert [r.data for r in rows] == data["rows"]
