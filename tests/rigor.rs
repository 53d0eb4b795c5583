//! Rigorous numerics (issue #5): decided zero tests, guaranteed digits, derivative bounds over
//! intervals, explicit remainders and the epsilon-lambda certificate.

use taylorgate::number::{Const, Sign, ZeroTest};
use taylorgate::parse::parse_expr;
use taylorgate::Definitions;

fn c(src: &str) -> Const {
    let e = parse_expr(src, &Definitions::new()).expect("parses");
    Const::from_expr(&e).expect("evaluates")
}

/// (value, zero test, sign): non-zero and signs are proved by enclosures; zero only by exact
/// rewriting; a zero that the rules do not see stays undecided, never "non-zero".
#[test]
fn decided_zero_tests() {
    use Sign::{Negative, Positive};
    use ZeroTest::NonZero;
    let table: &[(&str, ZeroTest, Sign)] = &[
        ("sin(1)", NonZero, Positive),
        ("cos(2)", NonZero, Negative),
        ("pi - e", NonZero, Positive),
        ("e - 2718281828/1000000000", NonZero, Positive),
        ("erf(1) - 8427/10000", NonZero, Positive),
        ("atan(1/2) - 4636/10000", NonZero, Positive),
        ("-2*tanh(1)/cosh(1)^2", NonZero, Negative),
        ("2/cosh(1)^2", NonZero, Positive),
        ("exp(1) - e", ZeroTest::Zero, Sign::Zero),
        ("ln(2)*ln(3) - ln(3)*ln(2)", ZeroTest::Zero, Sign::Zero),
        ("pi^2 - 9.869604401089358", NonZero, Positive),
    ];
    for (src, z, s) in table {
        let v = c(src);
        assert_eq!(v.zero_test(), *z, "zero test of {src} = {v}");
        assert_eq!(v.sign(), *s, "sign of {src} = {v}");
    }
    // Exactly zero, but not by the rewriting rules: never claimed non-zero.
    for src in [
        "atan(1) - pi/4",
        "atan(1/2) + atan(1/3) - pi/4",
        "cos(pi/5) - (1 + sqrt(5))/4",
    ] {
        let v = c(src);
        assert_ne!(v.zero_test(), NonZero, "{src} = {v}");
        assert!(
            matches!(v.sign(), Sign::Zero | Sign::Unknown),
            "{src} = {v}"
        );
    }
}
