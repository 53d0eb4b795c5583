//! Property test: random networks (vectors, matrices, definitions, `if`) evaluated in every
//! domain of the engine agree at random exact points:
//!
//! * the exact value lies inside the interval enclosure;
//! * interval Taylor arithmetic, at the point and over a small interval around it, encloses
//!   the exact series coefficients;
//! * the series coefficient `c_0` is the exact value, and `k! c_k` is the k-th symbolic
//!   derivative evaluated exactly;
//! * the several-variable series of `F(u, v) = f(p + u + 2v)`, restricted to the line
//!   `u = v = t`, is the one-variable series of `f(p + 3t)`: coefficients `3^k c_k`.

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use taylorgate::diff::{derivative, evaluate};
use taylorgate::interval::{enclose, enclose_const, taylor_coefficients, Interval};
use taylorgate::ir::scalar_expr;
use taylorgate::multi::{Evaluator, Space};
use taylorgate::parse::{parse_expr, parse_program};
use taylorgate::series::taylor;
use taylorgate::{Const, Definitions, ZeroTest};

const ORDER: usize = 3;

/// An analytic one-argument body in `t`, defined everywhere on the reals.
fn arb_body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("exp(t/2)".to_string()),
        Just("sin(t) + t".to_string()),
        Just("atan(t)".to_string()),
        Just("tanh(t)".to_string()),
        Just("ln(2 + t^2)".to_string()),
        Just("sqrt(1 + t^2)".to_string()),
        Just("t^3 - t".to_string()),
        Just("1/(2 + t^2)".to_string()),
    ]
}

/// A small integer matrix `rows x 2`, as text.
fn arb_matrix(rows: usize) -> impl Strategy<Value = Vec<[i64; 2]>> {
    proptest::collection::vec(prop::array::uniform2(-2i64..=2), rows)
}

#[derive(Clone, Debug)]
struct Network {
    source: String,
    point: BigRational,
}

fn arb_network() -> impl Strategy<Value = Network> {
    (
        arb_body(),
        arb_body(),
        arb_matrix(2),
        prop::array::uniform2(-2i64..=2),
        -2i64..=2,
        prop::bool::ANY,
        -4i64..=4,
    )
        .prop_map(|(g, h, a, w, shift, above, p4)| {
            let point = BigRational::new(BigInt::from(p4), BigInt::from(4));
            // The switching point of the `if` is 1/2 away from the point.
            let c = &point + BigRational::new(BigInt::from(if above { 1 } else { -1 }), 2.into());
            let rows: Vec<String> = a.iter().map(|r| format!("[{}, {}]", r[0], r[1])).collect();
            let source = format!(
                "g(t) = {g}\nh(t) = {h}\nA = [{}]\nw = [{}, {}]\n\
                 f(x) = w * g(A * [x, x/2] + [{shift}, 1]) + (if x > {c} then h(x) else h(x) + x^2)\n",
                rows.join(", "),
                w[0],
                w[1],
                c = rational_text(&c)
            );
            Network { source, point }
        })
}

fn rational_text(q: &BigRational) -> String {
    if q.is_integer() {
        format!("({})", q.numer())
    } else {
        format!("({}/{})", q.numer(), q.denom())
    }
}

fn factorial(k: usize) -> Const {
    Const::from_int((1..=k as i64).product())
}

fn overlaps(a: &Interval, b: &Interval) -> bool {
    a.lo() <= b.hi() && b.lo() <= a.hi()
}

fn check(net: &Network) -> Result<(), TestCaseError> {
    let mut defs = Definitions::new();
    defs.extend_with(&parse_program(&net.source, &defs).expect("parses"));
    // One built-in-only scalar expression (vectors, matrices and definitions resolved).
    let f = scalar_expr(&parse_expr("f(x)", &defs).unwrap(), &defs, &["x".into()])
        .expect("one scalar expression");
    let p = Const::from_rational(net.point.clone());

    // Exact value.
    let value = evaluate(&f, "x", &p).expect("exact value");

    // Interval enclosure of f at the point, and of the exact value: both contain f(p).
    let at = Interval::point(&net.point, 128);
    let enclosure = enclose(&f, &[("x", at.clone())], 128).expect("encloses");
    let exact_enclosure = enclose_const(&value.to_expr(), 64).expect("encloses the value");
    prop_assert!(
        overlaps(&enclosure, &exact_enclosure),
        "{}: {value} outside {enclosure:?}",
        net.source
    );

    // One-variable series: c_0 = f(p), k! c_k = f^(k)(p).
    let series = taylor(&f, "x", &p, ORDER).expect("expands");
    let c = series.coefficients();
    prop_assert_eq!((&c[0] - &value).zero_test(), ZeroTest::Zero);
    let mut d = f.clone();
    for (k, ck) in c.iter().enumerate().skip(1) {
        d = derivative(&d, "x").expect("differentiates");
        let dk = evaluate(&d, "x", &p).expect("derivative value");
        prop_assert_eq!(
            (&(ck * &factorial(k)) - &dk).zero_test(),
            ZeroTest::Zero,
            "{}: k = {}: {} vs {}",
            net.source,
            k,
            ck,
            dk
        );
    }

    // Interval Taylor arithmetic encloses the exact coefficients: at the point, and over an
    // interval of width 1/32 around it (the switching point of the `if` is 1/2 away).
    let eps = BigRational::new(1.into(), 64.into());
    let around = Interval::new(&(&net.point - &eps), &(&net.point + &eps), 128).unwrap();
    for x in [&at, &around] {
        let jets = taylor_coefficients(&f, "x", x, ORDER, 128).expect("interval Taylor");
        for (k, ck) in c.iter().enumerate() {
            let exact = enclose_const(&ck.to_expr(), 64).expect("encloses the coefficient");
            prop_assert!(
                overlaps(&jets[k], &exact),
                "{}: k = {}: {} outside {:?}",
                net.source,
                k,
                ck,
                jets[k]
            );
        }
    }

    // Several variables, on the line u = v = t.
    let shifted = format!("f({} + u + 2*v)", rational_text(&net.point));
    let e = parse_expr(&shifted, &defs).unwrap();
    let space = Space::total_degree(&["u", "v"]);
    let multi = Evaluator::new(&defs, space, ORDER as i64 + 1)
        .eval(&e)
        .expect("several-variable series")
        .into_scalar("f")
        .unwrap();
    for (k, ck) in c.iter().enumerate() {
        let mut on_line = Const::zero();
        for (powers, coefficient) in multi.terms() {
            if powers.iter().sum::<i32>() as usize == k {
                on_line = &on_line + coefficient;
            }
        }
        let want = ck * &Const::from_int(3i64.pow(k as u32));
        prop_assert_eq!(
            (&on_line - &want).zero_test(),
            ZeroTest::Zero,
            "{}: k = {}: {} vs {}",
            net.source,
            k,
            on_line,
            want
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn every_domain_agrees(net in arb_network()) {
        check(&net)?;
    }
}

#[test]
fn a_fixed_network_agrees() {
    let net = Network {
        source: "g(t) = tanh(t)\nh(t) = exp(t/2)\nA = [[1, 2], [-1, 1]]\nw = [1, -2]\n\
                 f(x) = w * g(A * [x, x/2] + [1, 1]) + (if x > (1/2) then h(x) else h(x) + x^2)\n"
            .into(),
        point: BigRational::from_integer(0.into()),
    };
    check(&net).unwrap();
}
