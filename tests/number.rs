//! Exact constants: every simplification rule, the zero test, domain errors, sizes, printing
//! round trips, and values from the independent reference data (`tests/data/activations.json`).

use num_bigint::BigInt;
use num_rational::BigRational;
use taylorgate::expr::{BinOp, Expr, Func};
use taylorgate::number::{Const, NumberError, Sign, ZeroTest};

/// A small reader for the expression language (numbers, `pi`, `e`, bound names, `+ - * / ^`,
/// unary minus, built-in calls), so tables can be written as text before the real parser
/// lands. `**` is accepted as `^` and `log` as `ln` (SymPy syntax of the reference data).
mod read {
    use super::*;

    pub fn expr(src: &str) -> Expr {
        let src = src.replace("**", "^");
        let toks = tokens(&src);
        let mut p = Parser { toks, pos: 0 };
        let e = p.sum();
        assert_eq!(p.pos, p.toks.len(), "trailing input in {src}");
        e
    }

    fn tokens(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let cs: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < cs.len() {
            let c = cs[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_ascii_digit() || c.is_alphabetic() || c == '_' {
                let start = i;
                while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
                    i += 1;
                }
                out.push(cs[start..i].iter().collect());
            } else {
                out.push(c.to_string());
                i += 1;
            }
        }
        out
    }

    struct Parser {
        toks: Vec<String>,
        pos: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<&str> {
            self.toks.get(self.pos).map(String::as_str)
        }
        fn next(&mut self) -> String {
            self.pos += 1;
            self.toks[self.pos - 1].clone()
        }
        fn sum(&mut self) -> Expr {
            let mut e = self.product();
            while let Some(op) = self.peek() {
                let op = match op {
                    "+" => BinOp::Add,
                    "-" => BinOp::Sub,
                    _ => break,
                };
                self.next();
                let r = self.product();
                e = Expr::bin(op, e, r);
            }
            e
        }
        fn product(&mut self) -> Expr {
            let mut e = self.unary();
            while let Some(op) = self.peek() {
                let op = match op {
                    "*" => BinOp::Mul,
                    "/" => BinOp::Div,
                    _ => break,
                };
                self.next();
                let r = self.unary();
                e = Expr::bin(op, e, r);
            }
            e
        }
        fn unary(&mut self) -> Expr {
            if self.peek() == Some("-") {
                self.next();
                return Expr::Neg(Box::new(self.unary()));
            }
            self.power()
        }
        fn power(&mut self) -> Expr {
            let base = self.atom();
            if self.peek() == Some("^") {
                self.next();
                let exp = self.unary();
                return Expr::bin(BinOp::Pow, base, exp);
            }
            base
        }
        fn atom(&mut self) -> Expr {
            let t = self.next();
            if t == "(" {
                let e = self.sum();
                assert_eq!(self.next(), ")");
                return e;
            }
            if t.chars().all(|c| c.is_ascii_digit()) {
                return Expr::Num(BigRational::from_integer(t.parse::<BigInt>().unwrap()));
            }
            match t.as_str() {
                "pi" => return Expr::Pi,
                "e" => return Expr::E,
                _ => {}
            }
            if self.peek() == Some("(") {
                self.next();
                let mut args = vec![self.sum()];
                while self.peek() == Some(",") {
                    self.next();
                    args.push(self.sum());
                }
                assert_eq!(self.next(), ")");
                let f = Func::from_name(&t).unwrap_or_else(|| panic!("unknown function {t}"));
                return Expr::Call(f, args);
            }
            Expr::Var(t)
        }
    }
}

fn val(src: &str) -> Const {
    Const::from_expr(&read::expr(src)).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn try_val(src: &str) -> Result<Const, NumberError> {
    Const::from_expr(&read::expr(src))
}

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

/// Evaluating the printed text gives the same value.
fn assert_round_trip(c: &Const) {
    let back = Const::from_expr(&c.to_expr()).unwrap_or_else(|e| panic!("{c}: {e}"));
    assert_eq!(&back, c, "to_expr round trip of {c}");
    let reread = val(&c.to_string());
    assert_eq!(&reread, c, "text round trip of {c}");
}

#[test]
fn simplification_rules() {
    // (value, equal value): each line is one rule.
    let table = [
        ("exp(0)", "1"),
        ("exp(ln(7/3))", "7/3"),
        ("ln(exp(pi + 1))", "pi + 1"),
        ("ln(exp(sqrt(2)))", "sqrt(2)"),
        ("ln(12)", "2*ln(2) + ln(3)"),
        ("ln(1/2)", "-ln(2)"),
        ("ln(e^3)", "3"),
        ("ln(2*sqrt(3)/pi)", "ln(2) + ln(3)/2 - ln(pi)"),
        ("sqrt(12)", "2*sqrt(3)"),
        ("sqrt(2)*sqrt(2)", "2"),
        ("sqrt(1/2)", "sqrt(2)/2"),
        ("sqrt(8)^3", "16*sqrt(2)"),
        ("8^(1/3)", "2"),
        ("(-8)^(1/3)", "-2"),
        ("4^(-1/2)", "1/2"),
        ("exp(pi)*exp(sqrt(2))", "exp(pi + sqrt(2))"),
        ("exp(pi)*exp(-pi)", "1"),
        ("exp(1/2)*exp(1/2)", "e"),
        ("exp(2 + 3*ln(2))", "8*e^2"),
        ("exp(ln(1 + e))", "1 + e"),
        ("tanh(ln(2))", "3/5"),
        ("sinh(ln(2))", "3/4"),
        ("cosh(ln(2))", "5/4"),
        ("tanh(1)", "(e^2 - 1)/(e^2 + 1)"),
        ("atanh(3/5)", "ln(2)"),
        ("asinh(3/4)", "ln(2)"),
        ("acosh(5/4)", "ln(2)"),
        ("asinh(-3/4)", "-ln(2)"),
        ("sin(pi/2)", "1"),
        ("cos(pi)", "-1"),
        ("sin(pi/4)", "sqrt(2)/2"),
        ("cos(pi/3)", "1/2"),
        ("sin(-pi/6)", "-1/2"),
        ("cos(7*pi/6)", "-sqrt(3)/2"),
        ("tan(pi/4)", "1"),
        ("tan(pi/3)", "sqrt(3)"),
        ("sin(0)", "0"),
        ("cos(0)", "1"),
        ("asin(1)", "pi/2"),
        ("asin(-1/2)", "-pi/6"),
        ("acos(0)", "pi/2"),
        ("acos(1/2)", "pi/3"),
        ("atan(1)", "pi/4"),
        ("atan(0)", "0"),
        ("atan(-sqrt(3))", "-pi/3"),
        ("erf(0)", "0"),
        ("erf(-1)", "-erf(1)"),
        ("sin(-1)", "-sin(1)"),
        ("cos(-2)", "cos(2)"),
        ("atan(-1/2)", "-atan(1/2)"),
        ("acos(1/3)", "pi/2 - asin(1/3)"),
        ("1/(1 + exp(-1))", "e/(e + 1)"),
        ("exp(1)/(exp(1) + 1)", "e/(e + 1)"),
        ("1 - 1/(1 + e)", "e/(e + 1)"),
        ("(pi^2 - 1)/(pi + 1)", "pi - 1"),
        ("abs(-pi)", "pi"),
        ("min(pi, 2*pi)", "pi"),
        ("max(-e, -2*e)", "-e"),
        ("max(sqrt(2), 1)", "sqrt(2)"),
        ("2^10", "1024"),
        ("1^(10^1000)", "1"),
        ("0^(10^1000)", "0"),
        ("(-1)^(10^1000 + 1)", "-1"),
    ];
    for (a, b) in table {
        assert_eq!(val(a), val(b), "{a} = {b}");
    }
}

#[test]
fn printing() {
    let table = [
        ("ln(2)", "ln(2)"),
        ("3/5", "3/5"),
        ("-1/192", "-1/192"),
        ("1/(1 + exp(-1))", "e/(e + 1)"),
        ("exp(-1)", "exp(-1)"),
        ("sqrt(2)/sqrt(pi)", "sqrt(2)/sqrt(pi)"),
        ("sqrt(2)/(2*sqrt(pi))", "sqrt(2)/(2*sqrt(pi))"),
        ("sqrt(12)", "2*sqrt(3)"),
        ("sqrt(2) - 1", "sqrt(2) - 1"),
        ("ln(12)", "2*ln(2) + ln(3)"),
        ("erf(-1)", "-erf(1)"),
        ("sqrt(1 + sqrt(2))", "sqrt(sqrt(2) + 1)"),
        ("1/(1 + pi)^(1/3)", "1/(pi + 1)^(1/3)"),
    ];
    for (a, b) in table {
        assert_eq!(val(a).to_string(), b, "{a}");
    }
}

#[test]
fn latex() {
    let table = [
        ("sqrt(2)/(2*sqrt(pi))", "\\frac{\\sqrt{2}}{2 \\sqrt{\\pi}}"),
        ("ln(2)", "\\ln 2"),
        ("exp(-1)", "e^{-1}"),
        ("3/5", "\\frac{3}{5}"),
    ];
    for (a, b) in table {
        assert_eq!(val(a).to_latex(), b, "{a}");
    }
}

#[test]
fn round_trips() {
    let values = [
        "0",
        "-3/7",
        "pi",
        "e",
        "exp(-1)",
        "sqrt(2)/(2*sqrt(pi))",
        "e/(e + 1)",
        "ln(12)",
        "tanh(1)",
        "2*tanh(1)*(tanh(1)^2 - 1)",
        "erf(1/sqrt(2))",
        "atan(1/2)",
        "sin(1)",
        "ln(1 + e)",
        "exp(pi)",
        "pi^(1/3)",
        "2^(2/3)",
        "sqrt(1 + sqrt(2))",
        "cos(2)",
        "exp(-1)/(1 + exp(-1))^2",
        "1/(1 + pi)^2 + 1/(1 + e)",
        "asin(1/3)",
        "ln(pi)",
        "3*sqrt(5) - 2*sqrt(7) + sqrt(35)/3",
        "pi^(-1/2)",
        "ln(ln(2))",
    ];
    for v in values {
        assert_round_trip(&val(v));
    }
}

#[test]
fn zero_test() {
    use ZeroTest::*;
    let table = [
        ("0", Zero),
        ("ln(4) - 2*ln(2)", Zero),
        ("sqrt(8) - 2*sqrt(2)", Zero),
        ("tanh(ln(2)) - 3/5", Zero),
        ("1/(1 + exp(-1)) - e/(e + 1)", Zero),
        ("3/5", NonZero),
        ("pi", NonZero),
        ("erf(1)", NonZero),
        ("sqrt(2) - 1", NonZero),
        ("sqrt(2) + sqrt(3) - sqrt(5)", NonZero),
        ("pi^2 - 10", NonZero),
        ("pi - 3", NonZero),
        ("e^2 - 7", NonZero),
        ("ln(2) - 1", NonZero),
        ("pi + e", NonZero),
        // Proved by rigorous enclosures (issue #5).
        ("pi - e", NonZero),
        ("ln(2) - ln(3)", NonZero),
        ("erf(1) - 1/2", NonZero),
        ("sin(1) - 1/2", NonZero),
        // Zero (Machin-like identity), invisible to the rewriting rules: never NonZero.
        ("atan(1/2) + atan(1/3) - pi/4", Unknown),
    ];
    for (a, z) in table {
        assert_eq!(val(a).zero_test(), z, "{a}");
    }
}

#[test]
fn sign() {
    use Sign::*;
    let table = [
        ("0", Zero),
        ("-2/3", Negative),
        ("pi + e", Positive),
        ("-sqrt(2) - ln(2)", Negative),
        ("erf(-1)", Negative),
        ("atan(1/2)", Positive),
        ("e/(e + 1)", Positive),
        ("sqrt(2) - 1", Positive),
        ("2 - sqrt(5)", Negative),
        ("sqrt(3) - sqrt(2)", Positive),
        ("2^(1/3) - 5/4", Positive),
        ("pi*sqrt(2) - 3*pi/2", Negative),
        ("pi - e", Positive),
        ("sin(1)", Positive),
        ("cos(pi/5) - (1 + sqrt(5))/4", Unknown),
    ];
    for (a, s) in table {
        assert_eq!(val(a).sign(), s, "{a}");
    }
}

#[test]
fn errors() {
    let domain = [
        "ln(0)",
        "ln(-1)",
        "sqrt(-2)",
        "asin(2)",
        "atanh(1)",
        "acosh(1/2)",
        "tan(pi/2)",
    ];
    for a in domain {
        assert!(
            matches!(try_val(a), Err(NumberError::Domain { .. })),
            "{a}: {:?}",
            try_val(a)
        );
    }
    assert_eq!(try_val("1/0"), Err(NumberError::DivisionByZero));
    assert_eq!(
        try_val("1/(ln(4) - 2*ln(2))"),
        Err(NumberError::DivisionByZero)
    );
    assert!(matches!(
        try_val("1/(atan(1/2) + atan(1/3) - pi/4)"),
        Err(NumberError::UndecidedZero(_))
    ));
    assert!(matches!(
        try_val("ln(atan(1/2) + atan(1/3) - pi/4)"),
        Err(NumberError::UndecidedSign(_))
    ));
    assert!(matches!(
        try_val("abs(atan(1/2) + atan(1/3) - pi/4)"),
        Err(NumberError::UndecidedSign(_))
    ));
    assert!(matches!(
        try_val("(-2)^(1/2)"),
        Err(NumberError::NotReal(_))
    ));
    assert!(matches!(try_val("x + 1"), Err(NumberError::NotConstant(_))));
    for a in [
        "2^(10^1000)",
        "2^(10^7)",
        "(1 + pi)^(10^1000)",
        "(1 + pi + e + sqrt(2))^100000",
    ] {
        assert!(matches!(try_val(a), Err(NumberError::TooLarge(_))), "{a}");
    }
}

#[test]
fn bindings_and_if() {
    let x = |s: &str, v: i64| -> Result<Const, NumberError> {
        Const::from_expr_with(&read::expr(s), &[("x", Const::from_int(v))])
    };
    let if_expr = |then: Expr, other: Expr| {
        Expr::If(
            Box::new(taylorgate::expr::Cond {
                lhs: Expr::var("x"),
                op: taylorgate::expr::CmpOp::Gt,
                rhs: Expr::int(0),
            }),
            Box::new(then),
            Box::new(other),
        )
    };
    let elu = if_expr(Expr::var("x"), read::expr("exp(x) - 1"));
    let relu = if_expr(Expr::var("x"), Expr::int(0));
    let step = if_expr(Expr::int(1), Expr::int(0));
    let at = |e: &Expr, v: i64| Const::from_expr_with(e, &[("x", Const::from_int(v))]);
    assert_eq!(at(&elu, -1), Ok(val("exp(-1) - 1")));
    assert_eq!(at(&elu, 2), Ok(Const::from_int(2)));
    assert_eq!(at(&elu, 0), Ok(Const::zero()));
    assert_eq!(at(&relu, 0), Ok(Const::zero()));
    assert!(matches!(at(&step, 0), Err(NumberError::Switching { .. })));
    assert_eq!(x("x^2 + 1", 3), Ok(Const::from_int(10)));
    assert_eq!(x("abs(x)", -3), Ok(Const::from_int(3)));
}

/// Values of `tests/data/activations.json` (SymPy), read with the same small reader.
#[test]
fn reference_values() {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/activations.json")).expect("reference data");
    let cases = data["cases"].as_array().expect("cases");
    let find = |name: &str| cases.iter().find(|c| c["name"] == name).expect(name);
    // Every coefficient and every second derivative parses and is consistent with its float.
    for c in cases {
        for (k, s) in c["coefficients"].as_array().unwrap().iter().enumerate() {
            let v = val(s.as_str().unwrap());
            let f = c["coefficients_float"][k].as_f64().unwrap();
            if f == 0.0 {
                assert_eq!(v.zero_test(), ZeroTest::Zero, "{} c{k}", c["name"]);
            }
            assert_round_trip(&v);
        }
    }
    // Mish: tanh(log(2)) is 3/5; sigma''(0) = 16/25.
    assert_eq!(val("tanh(log(2))"), Const::from_rational(q(3, 5)));
    assert_eq!(
        val(find("mish")["sigma2"].as_str().unwrap()),
        Const::from_rational(q(16, 25))
    );
    // tanh at 1: SymPy's -2*tanh(1)/cosh(1)**2 equals 2 tanh(1) (tanh(1)^2 - 1).
    let t = find("tanh_at_1");
    assert_eq!(
        val(t["sigma2"].as_str().unwrap()),
        val("2*tanh(1)*(tanh(1)^2 - 1)")
    );
    // GELU: sigma''(0) = sqrt(2)/sqrt(pi) = sqrt(2/pi).
    let g = find("gelu");
    assert_eq!(val(g["sigma2"].as_str().unwrap()), val("sqrt(2/pi)"));
    assert_eq!(val(g["coefficients"][1].as_str().unwrap()), val("1/2"));
    assert_eq!(
        val(g["coefficients"][2].as_str().unwrap()),
        val("1/sqrt(2*pi)")
    );
    // ELU's left piece at -1: sigma''(-1) = exp(-1) = 1/e.
    let elu = find("elu_left");
    assert_eq!(val(elu["sigma2"].as_str().unwrap()), val("1/e"));
    assert_eq!(
        val(elu["coefficients"][0].as_str().unwrap()),
        val("1/e - 1")
    );
    // Sigmoid at ln 3: 1/(1 + exp(-ln 3)) = 3/4.
    assert_eq!(val("1/(1 + exp(-log(3)))"), Const::from_rational(q(3, 4)));
}
