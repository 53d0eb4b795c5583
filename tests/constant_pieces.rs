//! Functions that are constant, or pieces that are decided, although a series or a point value
//! alone cannot tell: a comparison of a node with itself (`if x < x`), a built-in at a branch
//! point of a constant argument (`asin(3/3)`, `acosh(x/x)`, `(x - x)^(1/3)`), and a piece that
//! is never taken (`if x < x then ln(-1) else x`). Each was refused by `expand` or `diff` in the
//! differential run (tests/differential/, seed 10000 and the CI seed 20261201; the case number
//! is quoted). Expected values are derived by hand in the comments; refusals that must stay
//! refusals (the function is undefined) are checked too.

use taylorgate::diff::{derivative, evaluate, inline_definitions};
use taylorgate::parse::parse_expr;
use taylorgate::series::taylor;
use taylorgate::{Const, Definitions, ZeroTest};

fn constant(text: &str) -> Const {
    Const::from_expr(&parse_expr(text, &Definitions::new()).unwrap()).unwrap()
}

fn expr(text: &str) -> taylorgate::Expr {
    let defs = Definitions::new();
    inline_definitions(&parse_expr(text, &defs).unwrap(), &defs).unwrap()
}

/// The Taylor coefficients `c_0 ..` of `f` at `at` are exactly `want`.
fn assert_series(f: &str, at: &str, want: &[&str]) {
    let s = taylor(&expr(f), "x", &constant(at), want.len() - 1)
        .unwrap_or_else(|e| panic!("{f} at {at}: {e}"));
    for (k, (got, w)) in s.coefficients().iter().zip(want).enumerate() {
        assert_eq!(
            (got - &constant(w)).zero_test(),
            ZeroTest::Zero,
            "{f} at {at}: c_{k} = {got}, want {w}"
        );
    }
}

/// `f` has no series at `at` (it is undefined there, or the order is not reached).
fn assert_no_series(f: &str, at: &str) {
    let r = taylor(&expr(f), "x", &constant(at), 3);
    assert!(r.is_err(), "{f} at {at}: {r:?}");
}

/// The derivatives `f', f'', ..` of `f` at `at` are exactly `want`.
fn assert_derivatives(f: &str, at: &str, want: &[&str]) {
    let mut d = expr(f);
    for (k, w) in want.iter().enumerate() {
        d = derivative(&d, "x").unwrap();
        let v =
            evaluate(&d, "x", &constant(at)).unwrap_or_else(|e| panic!("{f}: f^({}) {e}", k + 1));
        assert_eq!(
            (&v - &constant(w)).zero_test(),
            ZeroTest::Zero,
            "{f} at {at}: f^({}) = {v}, want {w}",
            k + 1
        );
    }
}

#[test]
fn a_comparison_of_a_node_with_itself_is_decided() {
    // x < x never holds, x >= x always does: the functions are x and x + pi.
    assert_series("if x < x then 3 else x", "1", &["1", "1", "0", "0"]); // #577-like
    assert_series(
        "if x >= x then x + pi else 2",
        "sqrt(2)",
        &["sqrt(2) + pi", "1", "0"],
    );
    // #526: atan(x)/x at 1 = pi/4 + (1/2 - pi/4) t + ... (the quotient rule: (x/(1+x^2) -
    // atan x)/x^2 at 1 is 1/2 - pi/4).
    assert_series(
        "atan(x) / (if x <= x then x else 0.5)",
        "1",
        &["pi/4", "1/2 - pi/4"],
    );
    // #772: max(x, x) is x, so `max(x, x) < x` never holds: the product is 5x.
    assert_series(
        "(if max(x, x) < x then sin(x) else 5) * x",
        "-1/2",
        &["-5/2", "5", "0"],
    );
    // #2125: the inner `if` is 1/7 everywhere, and 1/7 > 5 never holds: -abs(min(x, 5)) at 2
    // is -x.
    assert_series(
        "-abs(if (if x <= x then 1/7 else 5) > 5 then x + x else min(x, 5))",
        "2",
        &["-2", "-1", "0"],
    );
    // #117 (diff): (8/7)/x at 1/5: f' = -8/(7x^2) = -200/7, f'' = 16/(7x^3) = 2000/7,
    // f''' = -48/(7x^4) = -30000/7.
    assert_derivatives(
        "((1/7) + 1) / (if x < x then 3 else x)",
        "1/5",
        &["-200/7", "2000/7", "-30000/7"],
    );
    // #555 (diff): sin(5/2) is a constant: every derivative is 0.
    assert_derivatives(
        "sin((if x >= x then (2/5) else 2)^(-1))",
        "-ln(3)",
        &["0", "0"],
    );
    // Two equal constants: (x - x) >= 0 always holds.
    assert_series("if x - x >= 0 then 1 else 2", "0", &["1", "0"]);
    assert_derivatives("if x - x >= 0 then x^2 else 0", "0", &["0", "2"]);
}

#[test]
fn a_comparison_with_itself_keeps_the_domain_of_its_sides() {
    // ln(-1) is not real: the condition is undefined, so is the function.
    assert_no_series("if ln(x) < ln(x) then 1 else 2", "-1");
    assert_no_series("ln(x) - ln(x)", "-1");
    assert_no_series("ln(x) / ln(x)", "-1");
}

#[test]
fn a_built_in_of_a_constant_argument_is_its_value_at_the_constant() {
    // #224: asin(3/3) = asin(1) = pi/2, divided by 5 - x = 14/3 - t at 1/3:
    // (pi/2)(3/14) sum (3t/14)^k, so c_k = (pi/2)(3/14)^(k+1).
    assert_series(
        "asin((3 / 3)) / (5 - x)",
        "1/3",
        &["3*pi/28", "9*pi/392", "27*pi/5488"],
    );
    // #1355: acosh(x/x) = acosh(1) = 0 (x/x = 1 away from 0).
    assert_series("acosh((1 * (x / x)))", "1/5", &["0", "0", "0"]);
    // #82: asinh(acosh(x/x))^3 = 0 at -1.
    assert_derivatives("(asinh(acosh((x / x))))^(3)", "-1", &["0", "0", "0"]);
    // #1303: asin(2/(-2)) = -pi/2, so sqrt(1 + pi^2/4) is constant.
    assert_derivatives("sqrt((1 + (asin((2 / (-2))))^(2)))", "1/5", &["0"]);
    // #1436: near 0 the argument is 1 (0 < 1/5): asin(1) = pi/2.
    assert_series(
        "asin(if x >= (1/5) then x else 1)",
        "0",
        &["pi/2", "0", "0"],
    );
    // x/x at 0 is a removable singularity (expand gives 1), so asin(x/x) is pi/2 there too.
    assert_series("x/x", "0", &["1", "0", "0"]);
    assert_series("asin(x/x)", "0", &["pi/2", "0", "0"]);
    // (x - x)^(1/3) = 0^(1/3) = 0 and sqrt(x - x) = 0, everywhere.
    assert_series("(x - x)^(1/3)", "0", &["0", "0", "0"]);
    assert_series("sqrt(x - x) + x", "2", &["2", "1", "0"]);
    // x^(x/x) = x^1.
    assert_series("x^(x/x)", "-1", &["-1", "1", "0"]);
}

#[test]
fn a_built_in_of_a_constant_outside_its_domain_is_still_refused() {
    assert_no_series("(x - x)^(-1)", "0"); // 0^(-1)
    assert_no_series("acosh(x - x)", "1"); // acosh(0)
    assert_no_series("atanh(x/x)", "1/2"); // atanh(1) is infinite
    assert_no_series("(x - x)/(x - x)", "1"); // 0/0 everywhere
    assert_no_series("asin(x/x + 1)", "1/2"); // asin(2)
}

#[test]
fn a_piece_that_is_never_taken_need_not_be_defined() {
    // #144, #2108, #2398: only the piece the condition selects is evaluated.
    assert_series("if x < x then ln(-1) else x", "-1", &["-1", "1", "0"]);
    assert_series(
        "if (-(2/3)) >= (3/4) then sin(atanh(2e0)) else (-x)",
        "0",
        &["0", "-1", "0"],
    );
    // At sqrt(2), tanh(x) < x holds, so erf(-atanh(3)) is never needed: -x/10 there.
    assert_series(
        "if tanh(x) < x then (if ((1 + (x)^(2)))^(e) > x then (-(1e-1 * x)) else x) else erf((-atanh(3)))",
        "sqrt(2)",
        &["-sqrt(2)/10", "-1/10", "0"],
    );
    // A piece that is taken is still checked.
    assert_no_series("if x > x then x else ln(-1)", "1");
}

/// The commands of the cases above exit 0 (the values are checked above, through the library).
#[test]
fn the_commands_of_the_differential_run_answer() {
    for args in [
        &[
            "expand",
            "(asin((3 / 3)) / (5 - x))",
            "--at",
            "1/3",
            "--order",
            "5",
        ][..],
        &["expand", "acosh(x/x)", "--at", "2", "--order", "3"],
        &["expand", "(x - x)^(1/3)", "--order", "3"],
        &[
            "diff",
            "(((1/7) + 1) / (if x < x then 3 else x))",
            "--at",
            "1/5",
            "-n",
            "3",
        ],
        &["diff", "(if x >= x then x else 2)", "--at", "2", "-n", "3"],
        &[
            "gate",
            "exp(exp((if x > x then 3 else x)))",
            "--inputs",
            "2",
            "--radius",
            "1/2",
        ],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
