//! Tests of `taylorgate::diff`: derivative rules, the simplifier, switching points, and the
//! acceptance test against SymPy's Taylor coefficients (`tests/data/activations.json`).
//!
//! Expected values are derived by hand or come from SymPy, never from the code under test.

use num_bigint::BigInt;
use num_rational::BigRational;
use taylorgate::diff::{
    derivative, evaluate, inline_definitions, simplify, DiffError, MAX_DERIVATIVE_ORDER,
};
use taylorgate::expr::{BinOp, CmpOp, Cond, Definitions, Expr, Func};
use taylorgate::number::NumberError;
use taylorgate::{Const, ZeroTest};

mod common;

fn x() -> Expr {
    Expr::var("x")
}
fn n(k: i64) -> Expr {
    Expr::int(k)
}
fn q(a: i64, b: i64) -> BigRational {
    BigRational::new(BigInt::from(a), BigInt::from(b))
}
fn call(f: Func, a: Expr) -> Expr {
    Expr::call(f, a)
}
fn pow(a: Expr, b: Expr) -> Expr {
    Expr::bin(BinOp::Pow, a, b)
}
fn c(a: i64, b: i64) -> Const {
    Const::from_rational(q(a, b))
}

/// `d/dx e` evaluated at `x = at` equals `expected` (exactly).
fn assert_derivative_value(e: &Expr, at: &Const, expected: &Const) {
    let d = derivative(e, "x").unwrap_or_else(|err| panic!("d/dx {e:?}: {err}"));
    let v = evaluate(&d, "x", at).unwrap_or_else(|err| panic!("d/dx {e:?} at {at}: {err}"));
    assert_eq!(
        (&v - expected).zero_test(),
        ZeroTest::Zero,
        "d/dx {e:?} at {at}: got {v}, expected {expected}"
    );
}

// ---------------------------------------------------------------------------------------------
// Simplifier: structure (no printer, no number layer needed)

#[test]
fn simplifier_table() {
    let cases: Vec<(Expr, Expr)> = vec![
        (n(0) * x(), n(0)),
        (n(1) * x(), x()),
        (x() + n(0), x()),
        (pow(x(), n(1)), x()),
        (-(-x()), x()),
        (x() + x(), n(2) * x()),
        (x() * n(3), n(3) * x()),
        (x() - x(), n(0)),
        (n(2) + n(3) * n(4), n(14)),
        (n(1) / n(3) + n(1) / n(6), n(1) / n(2)),
        (x() * x(), pow(x(), n(2))),
        (x() / x(), n(1)),
        (call(Func::Sqrt, n(4)), n(2)),
        (call(Func::Sqrt, n(2)) * call(Func::Sqrt, n(2)), n(2)),
        (call(Func::Exp, n(0)), n(1)),
        (call(Func::Ln, n(1)), n(0)),
        (call(Func::Sin, n(0)) + call(Func::Cos, n(0)), n(1)),
        (call(Func::Ln, call(Func::Exp, x())), x()),
        (pow(n(2), n(10)), n(1024)),
        (Expr::Pi * n(0) + Expr::Pi, Expr::Pi),
    ];
    for (input, expected) in cases {
        assert_eq!(simplify(&input), expected, "simplify {input:?}");
    }
}

#[test]
fn simplifier_keeps_surds_and_pi_symbolic() {
    let s2 = call(Func::Sqrt, n(2));
    assert_eq!(simplify(&s2), s2);
    assert_eq!(simplify(&(n(2) * Expr::Pi)), n(2) * Expr::Pi);
}

// ---------------------------------------------------------------------------------------------
// Derivatives: printed (structural) forms specified by the issue

#[test]
fn softplus_derivatives_are_one_fraction() {
    let ex = call(Func::Exp, x());
    let softplus = call(Func::Ln, n(1) + ex.clone());
    let d1 = derivative(&softplus, "x").unwrap();
    assert_eq!(d1, ex.clone() / (n(1) + ex.clone()));
    let d2 = derivative(&d1, "x").unwrap();
    assert_eq!(d2, ex.clone() / pow(n(1) + ex, n(2)));
}

#[test]
fn abs_min_max_become_ifs() {
    let gt0 = |lhs: Expr, a: Expr, b: Expr| {
        Expr::If(
            Box::new(Cond {
                lhs,
                op: CmpOp::Gt,
                rhs: n(0),
            }),
            Box::new(a),
            Box::new(b),
        )
    };
    assert_eq!(
        derivative(&call(Func::Abs, x()), "x").unwrap(),
        gt0(x(), n(1), -n(1))
    );
    let max = Expr::Call(Func::Max, vec![x(), n(0)]);
    assert_eq!(derivative(&max, "x").unwrap(), gt0(x(), n(1), n(0)));
}

#[test]
fn tanh_derivative_is_polynomial_in_tanh() {
    let t = call(Func::Tanh, x());
    assert_eq!(derivative(&t, "x").unwrap(), n(1) - pow(t.clone(), n(2)));
}

// ---------------------------------------------------------------------------------------------
// Derivative rules by value (hand-derived), at rational points

#[test]
fn derivative_rules_by_value() {
    let half = c(1, 2);
    let cases: Vec<(Expr, Const, Const)> = vec![
        // (f, point, f'(point))
        (pow(x(), n(3)), c(2, 1), c(12, 1)),
        (n(1) / x(), c(2, 1), c(-1, 4)),
        (call(Func::Sqrt, x()), c(4, 1), c(1, 4)),
        (call(Func::Exp, n(2) * x()), c(0, 1), c(2, 1)),
        (call(Func::Ln, x()), c(3, 1), c(1, 3)),
        (call(Func::Sin, x()), c(0, 1), c(1, 1)),
        (call(Func::Cos, x()), c(0, 1), c(0, 1)),
        (call(Func::Tan, x()), c(0, 1), c(1, 1)),
        (call(Func::Sinh, x()), c(0, 1), c(1, 1)),
        (call(Func::Cosh, x()), c(0, 1), c(0, 1)),
        (call(Func::Tanh, x()), c(0, 1), c(1, 1)),
        (
            call(Func::Asin, x()),
            half.clone(),
            Const::from_rational(q(4, 3))
                .pow_rational(&q(1, 2))
                .unwrap(),
        ),
        (call(Func::Acos, x()), c(0, 1), c(-1, 1)),
        (call(Func::Atan, x()), c(1, 1), c(1, 2)),
        (call(Func::Asinh, x()), c(0, 1), c(1, 1)),
        (
            call(Func::Acosh, x()),
            c(2, 1),
            Const::from_rational(q(1, 3))
                .pow_rational(&q(1, 2))
                .unwrap(),
        ),
        (call(Func::Atanh, x()), half.clone(), c(4, 3)),
        // erf'(0) = 2/sqrt(pi)
        (
            call(Func::Erf, x()),
            c(0, 1),
            &c(2, 1) * &Const::pi().pow_rational(&q(-1, 2)).unwrap(),
        ),
        // quotient rule: (x/(1+x))' = 1/(1+x)^2
        (x() / (n(1) + x()), c(1, 1), c(1, 4)),
        // x^x at 1: x^x (ln x + 1) = 1
        (pow(x(), x()), c(1, 1), c(1, 1)),
        // 2^x at 0: ln 2
        (
            pow(n(2), x()),
            c(0, 1),
            Const::apply(Func::Ln, &[c(2, 1)]).unwrap(),
        ),
        // min(x, 1 - x) at 0 (x < 1 - x): 1
        (
            Expr::Call(Func::Min, vec![x(), n(1) - x()]),
            c(0, 1),
            c(1, 1),
        ),
        // if away from the switching point
        (
            Expr::If(
                Box::new(Cond {
                    lhs: x(),
                    op: CmpOp::Gt,
                    rhs: n(0),
                }),
                Box::new(pow(x(), n(2))),
                Box::new(-x()),
            ),
            c(3, 1),
            c(6, 1),
        ),
    ];
    for (f, at, expected) in cases {
        assert_derivative_value(&f, &at, &expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Switching points

fn switching(e: &Expr, at: Const) -> DiffError {
    let d = derivative(e, "x").unwrap();
    evaluate(&d, "x", &at).expect_err("a switching point must be an error")
}

#[test]
fn switching_points_are_errors_naming_the_point() {
    let cases: Vec<Expr> = vec![
        call(Func::Abs, x()),
        Expr::Call(Func::Max, vec![x(), n(0)]),
        Expr::If(
            Box::new(Cond {
                lhs: x(),
                op: CmpOp::Gt,
                rhs: n(0),
            }),
            Box::new(x()),
            Box::new(n(0)),
        ),
    ];
    for e in cases {
        let err = switching(&e, Const::zero());
        match &err {
            DiffError::AtPoint {
                var,
                source: NumberError::Switching { .. },
                ..
            } => {
                assert_eq!(var, "x")
            }
            other => panic!("{e:?}: expected a switching error, got {other:?}"),
        }
        assert!(err.to_string().starts_with("at x = 0:"), "{err}");
    }
}

#[test]
fn smooth_join_at_switching_point_is_fine() {
    // x^2 for x > 1, 2x - 1 otherwise: C^1 at 1, derivative 2 from both sides.
    let e = Expr::If(
        Box::new(Cond {
            lhs: x(),
            op: CmpOp::Gt,
            rhs: n(1),
        }),
        Box::new(pow(x(), n(2))),
        Box::new(n(2) * x() - n(1)),
    );
    assert_derivative_value(&e, &c(1, 1), &c(2, 1));
}

// ---------------------------------------------------------------------------------------------
// Inlining

#[test]
fn inlining_substitutes_simultaneously_and_differentiates_builtins() {
    let mut defs = Definitions::new();
    // swap(a, b) = a - 2*b ; capture-free: swap(b, a) = b - 2a
    defs.define_function(
        "g",
        vec!["a".into(), "b".into()],
        Expr::var("a") - n(2) * Expr::var("b"),
    );
    defs.define_constant("k", n(5));
    let e = Expr::Apply(
        "g".into(),
        vec![Expr::var("b"), Expr::var("a") + Expr::var("k")],
    );
    let got = simplify(&inline_definitions(&e, &defs).unwrap());
    let want = simplify(&(Expr::var("b") - n(2) * (Expr::var("a") + n(5))));
    assert_eq!(got, want);

    // tanh''(x) = -2 tanh(x) + 2 tanh(x)^3
    let t = call(Func::Tanh, x());
    let d2 = inline_definitions(&Expr::Deriv("tanh".into(), 2, Box::new(x())), &defs).unwrap();
    assert_eq!(d2, simplify(&(n(2) * pow(t.clone(), n(3)) - n(2) * t)));
}

#[test]
fn absurd_orders_are_refused() {
    let defs = Definitions::new();
    let e = Expr::Deriv("tanh".into(), MAX_DERIVATIVE_ORDER + 1, Box::new(x()));
    assert_eq!(
        inline_definitions(&e, &defs),
        Err(DiffError::OrderTooLarge(MAX_DERIVATIVE_ORDER + 1))
    );
}

#[test]
fn uninlined_calls_are_errors() {
    let e = Expr::Apply("softplus".into(), vec![x()]);
    assert_eq!(
        derivative(&e, "x"),
        Err(DiffError::NotInlined("softplus".into()))
    );
}

#[test]
fn deep_trees_do_not_overflow() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut e = x();
            for _ in 0..1000 {
                e = Expr::Neg(Box::new(e + n(1)));
            }
            assert_eq!(derivative(&e, "x").unwrap(), n(1));
            let mut s = x();
            for _ in 0..200 {
                s = call(Func::Sin, s);
            }
            assert!(derivative(&s, "x").is_ok());
        })
        .unwrap()
        .join()
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Acceptance: every case of activations.json, k = 1..4

fn factorial(k: i64) -> i64 {
    (1..=k).product()
}

#[test]
fn activations_json_derivatives_match_sympy() {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/activations.json")).unwrap();
    let defs = Definitions::new();
    let sympy = |s: &str| {
        let e = taylorgate::parse::parse_expr(&s.replace("**", "^"), &defs)
            .unwrap_or_else(|err| panic!("{s}: {err}"));
        Const::from_expr(&e).unwrap_or_else(|err| panic!("{s}: {err}"))
    };
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let expr = taylorgate::parse::parse_expr(case["expr"].as_str().unwrap(), &defs).unwrap();
        let point = sympy(case["point"].as_str().unwrap());
        let coefficients = case["coefficients"].as_array().unwrap();
        let mut d = expr;
        for (k, coefficient) in coefficients.iter().enumerate().take(5).skip(1) {
            d = derivative(&d, "x").unwrap();
            let got = evaluate(&d, "x", &point).unwrap_or_else(|err| panic!("{name}: {err}"));
            let c_k = sympy(coefficient.as_str().unwrap());
            let want = &Const::from_int(factorial(k as i64)) * &c_k;
            assert_eq!(
                (&got - &want).zero_test(),
                ZeroTest::Zero,
                "{name}: derivative {k} at {point}: got {got}, SymPy says {want}"
            );
        }
    }
}

#[test]
fn sigma2_of_softplus_and_gelu() {
    let defs = Definitions::new();
    let cases = [
        ("ln(1+exp(x))", "1/4"),
        ("x/2*(1+erf(x/sqrt(2)))", "sqrt(2)/sqrt(pi)"),
    ];
    for (f, want) in cases {
        let e = taylorgate::parse::parse_expr(f, &defs).unwrap();
        let d2 = derivative(&derivative(&e, "x").unwrap(), "x").unwrap();
        let got = evaluate(&d2, "x", &Const::zero()).unwrap();
        let want = Const::from_expr(&taylorgate::parse::parse_expr(want, &defs).unwrap()).unwrap();
        assert_eq!(
            (&got - &want).zero_test(),
            ZeroTest::Zero,
            "{f}: {got} vs {want}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Command line

fn run_cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .arg("diff")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_text() {
    let (code, out, err) = run_cli(&["ln(1+exp(x))", "--at", "0"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("f'(x) = exp(x)/(1 + exp(x))\n"), "{out}");
    assert!(out.contains("f''(x) = exp(x)/(1 + exp(x))^2\n"), "{out}");
    assert!(out.contains("f'(0) = 1/2\n"), "{out}");
    assert!(out.contains("f''(0) = 1/4\n"), "{out}");
}

#[test]
fn cli_json() {
    let (code, out, err) = run_cli(&[
        "1/(1+exp(-x))",
        "-n",
        "3",
        "--at",
        "ln(3)",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = common::json(&out);
    assert_eq!(v["variable"], "x");
    assert_eq!(v["point"], "ln(3)");
    assert_eq!(v["derivatives"].as_array().unwrap().len(), 3);
    // SymPy: sigmoid at ln 3: c1 = 3/16, c2 = -3/64 (f'' = 2 c2 = -3/32)
    assert_eq!(v["values"][0], "3/16");
    assert_eq!(v["values"][1], "-3/32");
}

#[test]
fn cli_errors_exit_2() {
    let (code, _, err) = run_cli(&["abs(x)", "--at", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("abs(x)' at x = 0"), "{err}");
    assert!(err.contains("0 > 0"), "{err}");
    let (code, _, err) = run_cli(&["x^2", "-n", "1000"]);
    assert_eq!(code, 2);
    assert!(err.contains("-n"), "{err}");
    let (code, _, _) = run_cli(&["x +* 2"]);
    assert_eq!(code, 2);
}
