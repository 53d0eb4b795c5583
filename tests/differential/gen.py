"""Seeded random expressions over the whole taylorgate language, with exact points.

An expression is a small tree of tuples; `tg()` renders it as taylorgate text (fully
parenthesised), `mp_eval()` evaluates it with mpmath (real branch, raising `Undefined` outside
the domain), `sp()` builds the SymPy expression (for the exact consistency check).
"""

import functools
import random
from fractions import Fraction

import mpmath
import sympy

X = sympy.Symbol("x")


class Undefined(Exception):
    """The expression has no real value here."""


# name: (arity, needs a restricted domain)
FUNCS = {
    "exp": 1, "ln": 1, "log": 1, "sqrt": 1, "abs": 1, "sin": 1, "cos": 1, "tan": 1,
    "sinh": 1, "cosh": 1, "tanh": 1, "asin": 1, "acos": 1, "atan": 1, "asinh": 1,
    "acosh": 1, "atanh": 1, "erf": 1, "min": 2, "max": 2,
}
SMOOTH = ["exp", "sin", "cos", "atan", "tanh", "sinh", "cosh", "asinh", "erf"]
# Functions with a restricted domain, and a wrapper that usually keeps the argument inside it.
GUARDED = {
    "ln": lambda a: ("add", ("num", Fraction(1)), ("pow", a, ("num", Fraction(2)))),
    "log": lambda a: ("add", ("num", Fraction(2)), ("call", "sin", [a])),
    "sqrt": lambda a: ("add", ("num", Fraction(1)), ("pow", a, ("num", Fraction(2)))),
    "asin": lambda a: ("div", a, ("num", Fraction(3))),
    "acos": lambda a: ("div", ("call", "tanh", [a]), ("num", Fraction(2))),
    "atanh": lambda a: ("div", ("call", "tanh", [a]), ("num", Fraction(2))),
    "acosh": lambda a: ("add", ("num", Fraction(2)), ("pow", a, ("num", Fraction(2)))),
    "tan": lambda a: ("div", a, ("num", Fraction(4))),
}

# Exact points: taylorgate text, SymPy value.
POINTS = [
    ("0", sympy.Integer(0)), ("1", sympy.Integer(1)), ("-1", sympy.Integer(-1)),
    ("1/5", sympy.Rational(1, 5)), ("-1/2", sympy.Rational(-1, 2)), ("3/2", sympy.Rational(3, 2)),
    ("1/3", sympy.Rational(1, 3)), ("2", sympy.Integer(2)), ("ln(2)", sympy.log(2)),
    ("pi/4", sympy.pi / 4), ("sqrt(2)", sympy.sqrt(2)), ("e", sympy.E), ("-ln(3)", -sympy.log(3)),
]


# Digits of a point: far more than the working precision of any finite difference (mpmath
# differentiates at (prec + 20) * (n + 1) bits with steps of 2^-(prec + 10)), so that the steps
# of a one-sided difference at an irrational or non-dyadic point (1/3, ln 2) lie on the side of
# the exact point they are meant to (a switching point `if 1/3 > x` is seen as one).
POINT_DIGITS = 3000


@functools.lru_cache(maxsize=None)
def point_mp(sp_value):
    with mpmath.workdps(POINT_DIGITS):
        return mpmath.mpf(str(sympy.N(sp_value, POINT_DIGITS)))


class Gen:
    """A generator of expressions in the variables `vars_` (and user definitions `defs`)."""

    def __init__(self, rng, vars_=("x",), defs=None):
        self.rng = rng
        self.vars = vars_
        self.defs = defs or {}

    def num(self):
        r = self.rng.random()
        if r < 0.4:
            return ("num", Fraction(self.rng.choice([1, 2, 3, 5])))
        if r < 0.7:
            return ("num", Fraction(self.rng.choice([1, 1, 2, 3, -1, 5]), self.rng.choice([2, 3, 4, 5, 7])))
        if r < 0.8:
            return ("dec", self.rng.choice(["0.5", "1.5", "0.25", "2.5", "0.1", "1e-1", "2e0"]))
        if r < 0.9:
            return ("pi",) if self.rng.random() < 0.6 else ("e",)
        return ("call", "sqrt", [("num", Fraction(self.rng.choice([2, 3, 5])))])

    def leaf(self):
        r = self.rng.random()
        names = [n for n, d in self.defs.items() if d[0] == "const"]
        if names and r < 0.1:
            return ("const", self.rng.choice(names))
        if r < 0.65 and self.vars:
            return ("var", self.rng.choice(self.vars))
        return self.num()

    def expr(self, depth):
        if depth <= 0 or self.rng.random() < 0.15:
            return self.leaf()
        r = self.rng.random()
        d = depth - 1
        if r < 0.35:
            op = self.rng.choice(["add", "sub", "mul", "div", "add", "mul"])
            return (op, self.expr(d), self.expr(d))
        if r < 0.45:
            return ("neg", self.expr(d))
        if r < 0.6:
            return self.power(d)
        if r < 0.88:
            name = self.rng.choice(list(FUNCS))
            if FUNCS[name] == 2:
                return ("call", name, [self.expr(d), self.expr(d)])
            a = self.expr(d)
            if name in GUARDED and self.rng.random() < 0.7:
                a = GUARDED[name](a)
            return ("call", name, [a])
        if r < 0.93:
            ops = ["<", "<=", ">", ">="]
            cond = (self.rng.choice(ops), self.expr(min(d, 1)), self.expr(0))
            return ("if", cond, self.expr(d), self.expr(d))
        funcs = [n for n, v in self.defs.items() if v[0] == "func"]
        if funcs:
            name = self.rng.choice(funcs)
            return ("user", name, [self.expr(d) for _ in self.defs[name][1]])
        return ("call", self.rng.choice(SMOOTH), [self.expr(d)])

    def power(self, d):
        base = self.expr(d)
        r = self.rng.random()
        if r < 0.4:
            k = self.rng.choice([2, 3, -1, -2, 0, 4])
            return ("pow", base, ("num", Fraction(k)))
        if r < 0.65:
            q = Fraction(self.rng.choice([1, 1, 2, -1, 3]), self.rng.choice([2, 3, 5]))
            base = ("add", ("num", Fraction(self.rng.choice([1, 2]))), ("pow", base, ("num", Fraction(2))))
            return ("pow", base, ("num", q))
        if r < 0.8:
            # an irrational power of a positive base
            expo = self.rng.choice([("call", "sqrt", [("num", Fraction(2))]), ("pi",), ("e",)])
            base = ("add", ("num", Fraction(1)), ("pow", base, ("num", Fraction(2))))
            return ("pow", base, expo)
        # a constant base to a variable power
        return ("pow", self.rng.choice([("num", Fraction(2)), ("num", Fraction(1, 3)), ("e",), ("pi",)]), base)


def definitions(rng):
    """A .tg file's definitions: a function g(x), a function h(x, y), a constant c."""
    defs = {}
    lines = []
    g = Gen(rng).expr(2)
    defs["g"] = ("func", ["x"], g)
    lines.append(f"g(x) = {tg(g)}")
    h = Gen(rng, vars_=("x", "y"), defs={"g": defs["g"]}).expr(2)
    defs["h"] = ("func", ["x", "y"], h)
    lines.append(f"h(x, y) = {tg(h)}")
    c = Gen(rng, vars_=(), defs={}).expr(1) if rng.random() < 0.5 else ("dconst", "g", 2, Fraction(0))
    if c[0] == "var":
        c = ("num", Fraction(2))
    defs["c"] = ("const", c)
    lines.append(f"c = {tg(c)}")
    return defs, "\n".join(lines) + "\n"


def frac_text(q):
    if q.denominator == 1:
        return f"({q.numerator})" if q < 0 else str(q.numerator)
    return f"({q.numerator}/{q.denominator})"


def tg(e):
    t = e[0]
    if t == "num":
        return frac_text(e[1])
    if t == "dec":
        return e[1]
    if t == "pi":
        return "pi"
    if t == "e":
        return "e"
    if t in ("var", "const"):
        return e[1]
    if t in ("add", "sub", "mul", "div"):
        op = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[t]
        return f"({tg(e[1])} {op} {tg(e[2])})"
    if t == "neg":
        return f"(-{tg(e[1])})"
    if t == "pow":
        return f"({tg(e[1])})^({tg(e[2])})"
    if t in ("call", "user"):
        return f"{e[1]}({', '.join(tg(a) for a in e[2])})"
    if t == "if":
        op, l, r = e[1]
        return f"(if {tg(l)} {op} {tg(r)} then {tg(e[2])} else {tg(e[3])})"
    if t == "dconst":
        return f"{e[1]}{chr(39) * e[2]}({frac_text(e[3])})"
    raise ValueError(t)


def _real(v):
    if isinstance(v, mpmath.mpc):
        if v.imag == 0:
            return v.real
        raise Undefined("complex")
    if not mpmath.isfinite(v):
        raise Undefined("not finite")
    return v


def mp_pow(a, b, b_node):
    if b_node[0] == "num":
        q = b_node[1]
        if q.denominator == 1:
            if a == 0 and q < 0:
                raise Undefined("0^negative")
            return a ** int(q)
        if a < 0:
            if q.denominator % 2 == 1:
                return (-1) ** (q.numerator % 2) * (-a) ** (mpmath.mpf(q.numerator) / q.denominator)
            raise Undefined("even root of a negative number")
        if a == 0:
            if q < 0:
                raise Undefined("0^negative")
            return mpmath.mpf(0)
        return a ** (mpmath.mpf(q.numerator) / q.denominator)
    if a < 0:
        raise Undefined("negative base")
    if a == 0:
        if b > 0:
            return mpmath.mpf(0)
        raise Undefined("0^0")
    return a ** b


def mp_call(name, args):
    a = args[0]
    f = {
        "exp": mpmath.exp, "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
        "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh, "atan": mpmath.atan,
        "asinh": mpmath.asinh, "erf": mpmath.erf, "abs": abs,
    }
    if name in f:
        if name == "tan" and mpmath.cos(a) == 0:
            raise Undefined("tan pole")
        return f[name](a)
    if name in ("ln", "log"):
        if a <= 0:
            raise Undefined("ln")
        return mpmath.log(a)
    if name == "sqrt":
        if a < 0:
            raise Undefined("sqrt")
        return mpmath.sqrt(a)
    if name in ("asin", "acos"):
        if abs(a) > 1:
            raise Undefined(name)
        return mpmath.asin(a) if name == "asin" else mpmath.acos(a)
    if name == "acosh":
        if a < 1:
            raise Undefined(name)
        return mpmath.acosh(a)
    if name == "atanh":
        if abs(a) >= 1:
            raise Undefined(name)
        return mpmath.atanh(a)
    if name == "min":
        return min(args[0], args[1])
    if name == "max":
        return max(args[0], args[1])
    raise ValueError(name)


_DCONST = {}


def derivative_constant(e, defs):
    """`g''(0)`: the n-th derivative of a definition at a point, which exists only where the
    derivatives of every order up to n agree from both sides (`abs(x)` at 0 has second
    one-sided derivatives 0 and 0, but first ones 1 and -1: no g''(0)); memoised per
    definition, point and precision (mpmath.taylor asks for it at every step)."""
    _, params, body = defs[e[1]]
    key = (tg(body), e[2], e[3], mpmath.mp.prec)
    if key not in _DCONST:
        f = lambda v: mp_eval(body, {params[0]: v}, defs)
        x0 = mpmath.mpf(e[3].numerator) / e[3].denominator
        try:
            sides = [[_real(d) for d in mpmath.diffs(f, x0, e[2], direction=s, singular=True)]
                     for s in (1, -1)]
            for a, b in zip(*sides):
                if abs(a - b) > mpmath.mpf(10) ** -12 * max(1, abs(a), abs(b)):
                    raise Undefined(f"{e[1]}{chr(39) * e[2]}({e[3]}): the one-sided derivatives differ")
            # centred through x0 where g is defined there (symmetric steps: tanh''(0) is exactly
            # 0, so that `1/c` is a division by zero), else around it (singular): g(x) = x/(x*e)
            # has g''(0) = 0 as taylorgate's `x/x` at 0 has the value 1
            try:
                f(x0)
                around = False
            except Undefined:
                around = True
            _DCONST[key] = _real(mpmath.diff(f, x0, e[2], singular=around))
        except Undefined as err:
            _DCONST[key] = err
    if isinstance(_DCONST[key], Undefined):
        raise _DCONST[key]
    return _DCONST[key]


def undefined_constant(defs):
    """Why a constant of the file has no value (taylorgate refuses such a file), or None."""
    for name, d in defs.items():
        if d[0] == "const":
            try:
                mp_eval(d[1], {}, defs)
            except Undefined as err:
                return f"the constant {name} of the file: {err}"
    return None


def mp_eval(e, env, defs):
    """The value of `e` with the variables of `env` (mpmath numbers); raises `Undefined`."""
    t = e[0]
    try:
        if t == "num":
            return mpmath.mpf(e[1].numerator) / e[1].denominator
        if t == "dec":
            q = Fraction(e[1])
            return mpmath.mpf(q.numerator) / q.denominator
        if t == "pi":
            return +mpmath.pi
        if t == "e":
            return mpmath.e + 0
        if t == "var":
            return env[e[1]]
        if t == "const":
            return mp_eval(defs[e[1]][1], {}, defs)
        if t == "dconst":
            return derivative_constant(e, defs)
        if t in ("add", "sub", "mul", "div"):
            a, b = mp_eval(e[1], env, defs), mp_eval(e[2], env, defs)
            if t == "add":
                return a + b
            if t == "sub":
                return a - b
            if t == "mul":
                return a * b
            if b == 0:
                raise Undefined("division by zero")
            return a / b
        if t == "neg":
            return -mp_eval(e[1], env, defs)
        if t == "pow":
            return _real(mp_pow(mp_eval(e[1], env, defs), mp_eval(e[2], env, defs), e[2]))
        if t == "call":
            return _real(mp_call(e[1], [mp_eval(a, env, defs) for a in e[2]]))
        if t == "user":
            _, params, body = defs[e[1]]
            args = [mp_eval(a, env, defs) for a in e[2]]
            return mp_eval(body, dict(zip(params, args)), defs)
        if t == "if":
            op, l, r = e[1]
            lv, rv = mp_eval(l, env, defs), mp_eval(r, env, defs)
            holds = {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv}[op]
            return mp_eval(e[2] if holds else e[3], env, defs)
    except (ZeroDivisionError, ValueError, OverflowError) as err:
        raise Undefined(str(err)) from err
    raise ValueError(t)


def has_piecewise(e):
    if not isinstance(e, tuple):
        return False
    if e[0] == "if" or (e[0] == "call" and e[1] in ("abs", "min", "max")):
        return True
    return any(has_piecewise(c) for c in e[1:] if isinstance(c, tuple)) or (
        e[0] in ("call", "user") and any(has_piecewise(a) for a in e[2])
    )


def uses_defs(e):
    if not isinstance(e, tuple):
        return False
    if e[0] in ("user", "const", "dconst"):
        return True
    kids = list(e[1:])
    if e[0] in ("call", "user"):
        kids = e[2]
    if e[0] == "if":
        kids = [e[1][1], e[1][2], e[2], e[3]]
    return any(uses_defs(k) for k in kids if isinstance(k, tuple))


def sp(e, env, defs):
    """The SymPy expression (variables from `env`: name -> SymPy expression)."""
    t = e[0]
    if t == "num":
        return sympy.Rational(e[1].numerator, e[1].denominator)
    if t == "dec":
        q = Fraction(e[1])
        return sympy.Rational(q.numerator, q.denominator)
    if t == "pi":
        return sympy.pi
    if t == "e":
        return sympy.E
    if t == "var":
        return env[e[1]]
    if t == "const":
        return sp(defs[e[1]][1], {}, defs)
    if t == "dconst":
        _, params, body = defs[e[1]]
        s = sympy.Symbol("s_")
        return sympy.diff(sp(body, {params[0]: s}, defs), s, e[2]).subs(s, sympy.Rational(e[3].numerator, e[3].denominator))
    if t in ("add", "sub", "mul", "div"):
        a, b = sp(e[1], env, defs), sp(e[2], env, defs)
        return {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b if b != 0 else sympy.zoo}[t]
    if t == "neg":
        return -sp(e[1], env, defs)
    if t == "pow":
        b = sp(e[1], env, defs)
        ex = sp(e[2], env, defs)
        if e[2][0] == "num" and e[2][1].denominator % 2 == 1 and e[2][1].denominator > 1:
            return sympy.real_root(b, e[2][1].denominator) ** e[2][1].numerator
        return b ** ex
    if t == "call":
        args = [sp(a, env, defs) for a in e[2]]
        f = {
            "exp": sympy.exp, "ln": sympy.log, "log": sympy.log, "sqrt": sympy.sqrt, "abs": sympy.Abs,
            "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sinh": sympy.sinh,
            "cosh": sympy.cosh, "tanh": sympy.tanh, "asin": sympy.asin, "acos": sympy.acos,
            "atan": sympy.atan, "asinh": sympy.asinh, "acosh": sympy.acosh, "atanh": sympy.atanh,
            "erf": sympy.erf, "min": sympy.Min, "max": sympy.Max,
        }[e[1]]
        return f(*args)
    if t == "user":
        _, params, body = defs[e[1]]
        return sp(body, dict(zip(params, [sp(a, env, defs) for a in e[2]])), defs)
    if t == "if":
        op, l, r = e[1]
        lv, rv = sp(l, env, defs), sp(r, env, defs)
        cond = {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv}[op]
        return sympy.Piecewise((sp(e[2], env, defs), cond), (sp(e[3], env, defs), True))
    raise ValueError(t)


def case(rng, index):
    """One random case: a dict with the command kind and its inputs."""
    r = rng.random()
    kind = "expand" if r < 0.5 else ("diff" if r < 0.82 else "gate")
    defs, file_text = ({}, None)
    if rng.random() < 0.25:
        defs, file_text = definitions(rng)
    g = Gen(rng, defs=defs)
    depth = rng.choice([1, 2, 2, 3, 3, 4]) if kind != "gate" else rng.choice([1, 2, 2, 3])
    e = g.expr(depth)
    point_text, point_sp = rng.choice(POINTS)
    c = {
        "index": index, "kind": kind, "expr": e, "text": tg(e), "defs": defs, "file": file_text,
        "point": point_text, "point_sp": point_sp, "digits": rng.choice([None, 5, 20, 40]),
    }
    if kind == "expand":
        c["order"] = rng.choice([2, 3, 4, 5, 6])
    elif kind == "diff":
        c["order"] = rng.choice([1, 2, 3, 4])
    else:
        c["inputs"] = 3 if rng.random() < 0.1 else 2
        c["epsilon"] = rng.choice([None, "1e-3", "1e-6"])
        c["radius"] = rng.choice(["1", "1/2", "2"])
    return c


def cases(seed, n):
    rng = random.Random(seed)
    return [case(rng, i) for i in range(n)]
