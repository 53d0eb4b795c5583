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
    diff = sympy.simplify(sympy.expand_log(got - want, force=True))
    if diff == 0:
        return True
    # Simplification is not a decision procedure: fall back to 50 digits.
    return abs(sympy.N(got - want, 50)) < sympy.Float("1e-45")


def is_exact(value):
    return isinstance(value, (Fraction, tg.Constant))
