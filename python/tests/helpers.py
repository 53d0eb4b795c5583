"""Exact comparison of taylorgate values with the SymPy reference strings."""

from fractions import Fraction

import sympy

import taylorgate as tg


def ref_value(text):
    """A SymPy value of the reference data (SymPy syntax)."""
    return sympy.sympify(text, locals={"E": sympy.E})


def same(value, text):
    """Whether the exact taylorgate value equals the SymPy reference value `text`."""
    want = ref_value(text)
    got = (
        sympy.Rational(value.numerator, value.denominator)
        if isinstance(value, Fraction)
        else value.to_sympy()
    )
    diff = got - want
    # Exact first, cheaply: everything in terms of exp, as one fraction.
    try:
        if sympy.expand(sympy.together(diff.rewrite(sympy.exp))) == 0:
            return True
    except Exception:  # noqa: BLE001 - SymPy may refuse a rewrite; the digits below decide
        pass
    # Otherwise 50 digits (SymPy's own simplification is too slow for a test suite).
    return abs(sympy.N(diff, 60)) < sympy.Float("1e-50")


def is_exact(value):
    return isinstance(value, (Fraction, tg.Constant))
