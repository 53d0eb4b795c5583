"""gate: every attribute, the certificate, the derivation, and the same data as the CLI."""

from fractions import Fraction

import pytest

import taylorgate as tg
from conftest import REFERENCE, cli, cli_text, validate
from helpers import same

CASES = REFERENCE["cases"]
GATE_CASES = [c for c in CASES if "gate" in c]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gate_is_the_cli_gate(case):
    g = tg.gate(case["expr"])
    code, data = cli("gate", case["expr"])
    assert validate(g.data) == data
    assert code == (0 if g.admits else 1)


@pytest.mark.parametrize("case", GATE_CASES, ids=[c["name"] for c in GATE_CASES])
def test_gate_expansion_matches_sympy(case):
    degree = REFERENCE["gate_degree"]
    g = tg.gate(case["expr"], bias=case["point"], degree=degree)
    assert g.admits, g.reason
    assert same(g.derivative_at_bias, case["sigma2"])
    want = {tuple(int(p) for p in k.split(",")): v for k, v in case["gate"].items()}
    got = {k: v for k, v in g.expansion.items() if not (isinstance(v, Fraction) and v == 0)}
    assert set(got) == set(want), f"{got} vs {want}"
    for powers, value in want.items():
        assert same(got[powers], value), f"{powers}: {got[powers]} vs {value}"


def test_softplus_gate_attributes():
    g = tg.gate("softplus")
    assert g.admits and g.verdict == "admits" and "1/4" in g.reason
    assert g.bias == 0 and g.derivative_at_bias == Fraction(1, 4)
    assert g.A1 == [[1, 1], [-1, -1], [1, -1], [-1, 1]]
    assert g.b1 == [0, 0, 0, 0]
    assert g.A2 == [1, 1, -1, -1]
    # THEOREM.md: uv - 1/12 uv(u^2 + v^2) + O(|x|^6)
    assert g.expansion[(1, 1)] == 1 and g.expansion[(3, 1)] == Fraction(-1, 12)
    r = g.remainder
    assert r.order == 4 and r.leading == {(3, 1): Fraction(-1, 12), (1, 3): Fraction(-1, 12)}
    assert str(r) == "order 4: -1/12*u^3*v - 1/12*u*v^3"
    assert r.bound is not None and r.bound.order >= 4 and r.bound.K > 0
    _, text = cli_text("gate", "softplus")
    assert g.derivation() == text
    assert g.derivation(format="markdown") == cli_text("gate", "softplus", "--format", "markdown")[1]
    assert g.derivation(format="latex", lang="pt") == cli_text(
        "gate", "softplus", "--format", "latex", "--lang", "pt"
    )[1]
    assert "u v" in g._repr_latex_() and "| bias $b$ | $0$ |" in g._repr_markdown_()
    with pytest.raises(tg.UsageError):
        g.derivation(lang="xx")
    svg = g.plot()._repr_svg_()
    assert svg.lstrip().startswith("<svg") or svg.lstrip().startswith("<?xml")


def test_certificate_is_the_cli_certificate():
    g = tg.gate("softplus")
    c = g.certificate("1e-6")
    assert c.epsilon == Fraction(1, 10**6) and c.radius == 1
    assert 0 < c.error_bound <= c.epsilon and c.lam > 0
    _, data = cli("gate", "softplus", "--epsilon", "1e-6", code=0)
    assert data["certificate"]["lambda"] == f"{c.lam.numerator}/{c.lam.denominator}"
    assert Fraction(data["certificate"]["error_bound"]) == c.error_bound
    with pytest.raises(tg.MathError):
        tg.gate("relu").certificate("1e-6")


def test_a_gate_that_is_not_admitted():
    g = tg.gate("relu")
    assert not g.admits and g.A2 is None and g.remainder is None and g.expansion is None
    code, data = cli("gate", "relu", code=1)
    assert g.data == data


def test_inputs_bias_degree_digits():
    g = tg.gate("sigmoid", bias="ln(3)", digits=6)
    assert str(g.bias) == "ln(3)"
    _, data = cli("gate", "sigmoid", "--bias", "ln(3)", "--digits", "6", code=0)
    assert g.data == data and data["approx"]["A2"] is not None
    g3 = tg.gate("exp(x)", inputs=3, degree=5)
    assert g3.hidden == 8 and g3.expansion[(1, 1, 1)] == 1
