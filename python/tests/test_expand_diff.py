"""expand and diff: exact values against the SymPy reference, and the same data as the CLI."""

from fractions import Fraction

import pytest
import sympy

import taylorgate as tg
from conftest import REFERENCE, cli, validate
from helpers import is_exact, same

CASES = REFERENCE["cases"]
ORDER = REFERENCE["order"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_expand_matches_sympy_and_the_cli(case):
    s = tg.expand(case["expr"], at=case["point"], order=ORDER)
    assert len(s) == ORDER + 1
    for k, (got, want) in enumerate(zip(s.coefficients, case["coefficients"])):
        assert is_exact(got)
        assert same(got, want), f"c_{k} = {got}, SymPy: {want}"
    _, data = cli("expand", case["expr"], f"--at={case['point']}", "--order", str(ORDER), code=0)
    assert validate(s.data) == data


def test_series_object():
    s = tg.expand("ln(1+exp(x))", order=4)
    assert s.coefficients[1:] == [Fraction(1, 2), Fraction(1, 8), Fraction(0), Fraction(-1, 192)]
    assert isinstance(s[0], tg.Constant) and str(s[0]) == "ln(2)"
    assert s.point == 0 and s.order == 4 and s.variable == "x"
    assert str(s).startswith("ln(2) + 1/2*x")
    assert s._repr_latex_().startswith("$") and "\\ln 2" in s._repr_latex_()
    assert "$$" in s._repr_markdown_()
    x = sympy.Symbol("x")
    assert sympy.simplify(s.to_sympy() - (sympy.log(2) + x / 2 + x**2 / 8 - x**4 / 192)) == 0


def test_expand_at_a_fraction_with_digits_and_definitions():
    s = tg.expand("f(x)", at=Fraction(-1, 2), order=3, definitions={"f(x)": "x^3 + 2*x"}, digits=5)
    # (y - 1/2)^3 + 2 (y - 1/2) = -9/8 + 11/4 y - 3/2 y^2 + y^3 around x = -1/2
    assert s.coefficients == [Fraction(-9, 8), Fraction(11, 4), Fraction(-3, 2), Fraction(1)]
    assert s.point == Fraction(-1, 2)
    assert s.approx == ["-1.1250", "2.7500", "-1.5000", "1.0000"]
    _, data = cli("expand", "x^3 + 2*x", "--at=-1/2", "--order", "3", "--digits", "5", code=0)
    assert data["coefficients"] == s.data["coefficients"] and data["approx"] == s.data["approx"]


def test_diff_values_and_the_cli():
    d = tg.diff("1/(1+exp(-x))", 3, at="ln(3)")
    # SymPy: sigmoid at ln 3: f' = 3/16, f'' = -3/32
    assert d.values[:2] == [Fraction(3, 16), Fraction(-3, 32)]
    assert len(d.derivatives) == 3 and d[1] == d.derivatives[0]
    assert str(d.point) == "ln(3)"
    _, data = cli("diff", "1/(1+exp(-x))", "-n", "3", "--at", "ln(3)", code=0)
    assert validate(d.data) == data
    assert "f'" in str(d) and "|" in d._repr_markdown_()
    plain = tg.diff("softplus")
    assert plain.values is None and plain.point is None
    assert plain.data["values"] is None
    x = sympy.Symbol("x")
    assert sympy.simplify(tg._sympify(plain[1]) - sympy.diff(sympy.log(1 + sympy.exp(x)), x)) == 0


def test_diff_digits():
    d = tg.diff("exp(x)", 1, at=1, digits=10)
    assert str(d.values[0]) == "e"
    assert d.approx == ["2.718281828"]
