//! Order bookkeeping of several-variable series, checked against hand derivations.

use taylorgate::multi::{Evaluator, MultiError, MultiSeries, Space, Value};
use taylorgate::parse::parse_expr;
use taylorgate::{Const, Definitions};

fn q(n: i64, d: i64) -> Const {
    Const::from_int(n).checked_div(&Const::from_int(d)).unwrap()
}

fn eval(src: &str, space: std::sync::Arc<Space>, target: i64) -> Result<Value, MultiError> {
    let defs = Definitions::new();
    let e = parse_expr(src, &defs).unwrap();
    Evaluator::new(&defs, space, target).eval(&e)
}

fn scalar(src: &str, space: std::sync::Arc<Space>, target: i64) -> MultiSeries {
    eval(src, space, target)
        .unwrap()
        .into_scalar("test")
        .unwrap()
}

#[test]
fn product_orders_follow_the_valuations() {
    // (x + O(x^3)) * (x^2 + O(x^4)) = x^3 + O(x^5): min(3 + 2, 4 + 1).
    let s = Space::total_degree(&["x"]);
    let x = MultiSeries::variable(&s, 0);
    let a = x.truncate(3);
    let b = x.mul(&x).truncate(4);
    let p = a.mul(&b);
    assert_eq!(p.order(), Some(5));
    assert_eq!(p.coefficient(&[3]), Const::one());
    // An exact polynomial times a truncated series: (1 + x) (1 + O(x^2)) = 1 + x + O(x^2).
    let one = MultiSeries::constant(&s, Const::one());
    let p = one.add(&x).mul(&one.truncate(2));
    assert_eq!(p.order(), Some(2));
}

#[test]
fn composition_is_known_through_the_argument_order() {
    // exp(u + v) through total degree 3: the coefficient of u v^2 is 3!/(1! 2!) / 3! = 1/2.
    let s = Space::total_degree(&["u", "v"]);
    let e = scalar("exp(u + v)", s, 4);
    assert_eq!(e.order(), Some(4));
    assert_eq!(e.coefficient(&[1, 2]), q(1, 2));
    assert_eq!(e.coefficient(&[0, 0]), Const::one());
    // ln(2 + u) = ln 2 + u/2 - u^2/8 + ...: the constant is exact, ln(2).
    let s = Space::total_degree(&["u"]);
    let l = scalar("ln(2 + u)", s, 3);
    assert_eq!(l.coefficient(&[2]), q(-1, 8));
    assert_eq!(l.constant_term().to_string(), "ln(2)");
}

#[test]
fn degree_in_one_variable_keeps_the_others_exact() {
    // Weight only on lambda: exp(lambda u) = 1 + lambda u + lambda^2 u^2 / 2 + O(lambda^3).
    let s = Space::degree_in(&["u", "lambda"], "lambda");
    let e = scalar("exp(lambda * u)", s.clone(), 3);
    assert_eq!(e.order(), Some(3));
    assert_eq!(e.coefficient(&[2, 2]), q(1, 2));
    // lambda^-2 shifts the order down by two.
    let f = scalar(
        "lambda^-2 * (exp(lambda * u) - 1 - lambda * u)",
        s.clone(),
        5,
    );
    assert_eq!(f.order(), Some(3));
    assert_eq!(f.coefficient(&[2, 0]), q(1, 2));
    assert_eq!(f.coefficient(&[3, 1]), q(1, 6));
    // A symbolic variable of weight 0 cannot be an expansion point.
    assert!(matches!(
        eval("exp(u)", s, 3),
        Err(MultiError::NonConstantPoint(_))
    ));
}

#[test]
fn vectors_and_matrices() {
    let s = Space::total_degree(&["u", "v"]);
    // A matrix-vector product, entry-wise exp, and a row times a column.
    let v = scalar("[1, -1] * exp([[1, 1], [1, -1]] * [u, v])", s.clone(), 3);
    // exp(u+v) - exp(u-v) = 2v + 2uv + O(3).
    assert_eq!(v.coefficient(&[0, 1]), Const::from_int(2));
    assert_eq!(v.coefficient(&[1, 1]), Const::from_int(2));
    assert_eq!(v.coefficient(&[2, 0]), Const::zero());
    match eval("[[1, 2], [3, 4]] * [[0, 1], [1, 0]]", s.clone(), 3).unwrap() {
        Value::Vector(rows) => assert_eq!(rows.len(), 2),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        eval("[1, 2] * [1, 2, 3]", s.clone(), 3),
        Err(MultiError::Shape(_))
    ));
    assert!(matches!(
        eval("[1, 2] + [1, 2, 3]", s, 3),
        Err(MultiError::Shape(_))
    ));
}

#[test]
fn kinks_inside_and_at_the_switching_point() {
    let s = Space::total_degree(&["u"]);
    // Strictly inside a piece: abs(1 + u) = 1 + u near 0.
    let a = scalar("abs(1 + u)", s.clone(), 4);
    assert_eq!(a.coefficient(&[1]), Const::one());
    // At the kink: an error, never a one-sided answer.
    assert!(matches!(
        eval("abs(u)", s.clone(), 4),
        Err(MultiError::Kink(_))
    ));
    assert!(matches!(
        eval("max(u, 0)", s.clone(), 4),
        Err(MultiError::Kink(_))
    ));
    // Both sides agree through the order: the value is determined.
    let m = scalar("if u > 0 then u^5 else 0", s, 4);
    assert!(m.terms().is_empty());
}

#[test]
fn division_needs_a_non_zero_constant_term_or_a_monomial_times_one() {
    let s = Space::total_degree(&["u"]);
    let r = scalar("1/(1 - u)", s.clone(), 4);
    assert_eq!(r.coefficient(&[3]), Const::one());
    let m = scalar("(u^2 + u^3)/u", s.clone(), 4);
    assert_eq!(m.coefficient(&[1]), Const::one());
    // u + u^2 = u (1 + u): 1/(u + u^2) = u^-1 - 1 + u - u^2 + u^3 - ... (by hand), a Laurent
    // series whose u^-1 a later product may cancel (x/(exp(x) - 1)).
    let l = scalar("1/(u + u^2)", s.clone(), 4);
    for (k, c) in [(-1, 1), (0, -1), (1, 1), (2, -1), (3, 1)] {
        assert_eq!(l.coefficient(&[k]), Const::from_int(c), "u^{k}");
    }
    let q = scalar("u/(u + u^2)", s.clone(), 4);
    assert_eq!(q.coefficient(&[0]), Const::one());
    assert_eq!(q.coefficient(&[2]), Const::one());
    // u + v is no monomial times a series with a non-zero constant term: no expansion.
    let uv = Space::total_degree(&["u", "v"]);
    assert!(matches!(
        eval("1/(u + v)", uv, 4),
        Err(MultiError::DivisionBySingular(_))
    ));
    assert!(eval("1/(u - u)", s, 4).is_err());
}
