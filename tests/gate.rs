//! The gate prover against independent sources: the SymPy reference file, the differentiator
//! (a second route to sigma^(k)(b)), and the formulas of THEOREM.md.

use serde_json::Value;

mod common;
use taylorgate::diff::{derivative, evaluate, inline_definitions};
use taylorgate::gate::{analyze, GateOptions, GateReport, Verdict};
use taylorgate::parse::parse_expr;
use taylorgate::{Const, Definitions, Expr, ZeroTest};

fn reference() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/activations.json"
    ))
    .expect("reference file");
    serde_json::from_str(&text).expect("reference JSON")
}

/// A SymPy string as an exact constant (`**` is `^`; `log` is ln in both languages).
fn sympy(s: &str) -> Const {
    let e = parse_expr(&s.replace("**", "^"), &Definitions::new()).expect("reference parses");
    Const::from_expr(&e).expect("reference evaluates")
}

fn expr(s: &str) -> Expr {
    let defs = taylorgate::library::definitions();
    inline_definitions(&parse_expr(s, &defs).expect("parses"), &defs).expect("inlines")
}

fn equal(a: &Const, b: &Const) -> bool {
    (a - b).zero_test() == ZeroTest::Zero
}

/// sigma^(k)(b) by symbolic differentiation: independent of the series engine and the gate.
fn kth_derivative_at(sigma: &Expr, k: usize, b: &Const) -> Const {
    let mut d = sigma.clone();
    for _ in 0..k {
        d = derivative(&d, "x").expect("differentiates");
    }
    evaluate(&d, "x", b).expect("evaluates")
}

fn coefficient(r: &GateReport, powers: &[i32]) -> Const {
    r.expansion
        .iter()
        .find(|t| t.powers == powers)
        .map(|t| t.coefficient.clone())
        .unwrap_or_else(Const::zero)
}

fn gate(sigma: &Expr, inputs: usize, degree: usize, bias: Option<Const>) -> GateReport {
    analyze(
        sigma,
        &GateOptions {
            inputs,
            degree: Some(degree),
            bias,
        },
    )
    .expect("analysis runs")
}

#[test]
fn reproduces_every_reference_gate_exactly() {
    let data = reference();
    let degree = data["gate_degree"].as_u64().unwrap() as usize;
    let mut checked = 0;
    for case in data["cases"].as_array().unwrap() {
        let Some(terms) = case["gate"].as_object() else {
            continue;
        };
        let name = case["name"].as_str().unwrap();
        let sigma = expr(case["expr"].as_str().unwrap());
        let b = sympy(case["point"].as_str().unwrap());
        let r = gate(&sigma, 2, degree, Some(b));
        assert_eq!(r.verdict, Verdict::Admits, "{name}");
        // A2 = (1, 1, -1, -1) / (4 sigma''(P)), sigma''(P) from the reference.
        let s2 = sympy(case["sigma2"].as_str().unwrap());
        for (a2, sign) in r.a2.iter().zip([1, 1, -1, -1]) {
            let expected = Const::from_int(sign)
                .checked_div(&(&Const::from_int(4) * &s2))
                .unwrap();
            assert!(equal(a2, &expected), "{name}: A2 {a2} vs {expected}");
        }
        // Every reference term, and no other non-zero term.
        for (key, value) in terms {
            let powers: Vec<i32> = key.split(',').map(|p| p.parse().unwrap()).collect();
            let ours = coefficient(&r, &powers);
            let theirs = sympy(value.as_str().unwrap());
            assert!(equal(&ours, &theirs), "{name} {key}: {ours} vs {theirs}");
        }
        for t in &r.expansion {
            let key = format!("{},{}", t.powers[0], t.powers[1]);
            assert!(
                terms.contains_key(&key),
                "{name}: extra term {key} = {}",
                t.coefficient
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} admitting cases");
}

#[test]
fn odd_activations_get_a_searched_bias_checked_by_the_differentiator() {
    for name in ["1/(1+exp(-x))", "tanh(x)", "atan(x)", "sin(x)", "erf(x)"] {
        let sigma = expr(name);
        let r = analyze(&sigma, &GateOptions::default()).unwrap();
        assert_eq!(r.verdict, Verdict::Admits, "{name}: {}", r.reason);
        let b = r.bias.clone().unwrap();
        assert!(!b.is_zero(), "{name}: sigma''(0) = 0, the bias must move");
        let s2 = kth_derivative_at(&sigma, 2, &b);
        assert_eq!(s2.zero_test(), ZeroTest::NonZero, "{name} at {b}");
        assert!(equal(&s2, r.derivative_at_bias.as_ref().unwrap()), "{name}");
        assert!(equal(
            &kth_derivative_at(&sigma, 2, &Const::zero()),
            &Const::zero()
        ));
    }
}

/// THEOREM.md: f = uv + sigma''''/(6 sigma'') uv(u^2+v^2)
///                 + sigma^(6)/(360 sigma'') uv(3u^4 + 10u^2v^2 + 3v^4) + O(|x|^8).
#[test]
fn leading_terms_follow_the_theorem_for_a_dozen_activations() {
    let cases = [
        "exp(x)",
        "ln(1+exp(x))",
        "x/(1+exp(-x))",
        "x/2*(1+erf(x/sqrt(2)))",
        "x*tanh(ln(1+exp(x)))",
        "exp(-x^2)",
        "cos(x)",
        "1/(1+exp(-x))",
        "tanh(x)",
        "sqrt(1+x^2)",
        "x^2 + x^3",
        "1/(2-x)",
        "atan(x)",
        "x*atan(x)",
    ];
    for name in cases {
        let sigma = expr(name);
        let r = analyze(
            &sigma,
            &GateOptions {
                degree: Some(7),
                ..GateOptions::default()
            },
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Admits, "{name}");
        let b = r.bias.clone().unwrap();
        let d2 = kth_derivative_at(&sigma, 2, &b);
        let d4 = kth_derivative_at(&sigma, 4, &b);
        let d6 = kth_derivative_at(&sigma, 6, &b);
        let c4 = d4.checked_div(&(&Const::from_int(6) * &d2)).unwrap();
        let c6 = d6.checked_div(&(&Const::from_int(360) * &d2)).unwrap();
        assert!(
            equal(&coefficient(&r, &[1, 1]), &Const::one()),
            "{name}: uv"
        );
        for p in [[3, 1], [1, 3]] {
            assert!(equal(&coefficient(&r, &p), &c4), "{name} {p:?}");
        }
        for (p, m) in [([5, 1], 3), ([3, 3], 10), ([1, 5], 3)] {
            assert!(
                equal(&coefficient(&r, &p), &(&c6 * &Const::from_int(m))),
                "{name} {p:?}"
            );
        }
        // Odd degrees and the constant never appear, whatever sigma is.
        for t in &r.expansion {
            let deg: i32 = t.powers.iter().sum();
            assert!(
                deg % 2 == 0 && t.powers.iter().all(|e| e % 2 == 1),
                "{name}: {:?}",
                t.powers
            );
        }
        // The remainder starts at the first non-vanishing even derivative (a cubic is exact).
        let order = [(4, &c4), (6, &c6)]
            .into_iter()
            .find(|(_, c)| !c.is_zero())
            .map(|(k, _)| k);
        assert_eq!(r.remainder.order, order, "{name}");
    }
}

/// n inputs: f = x_1...x_n + sigma^(n+2)(b) / (6 sigma^(n)(b)) x_1...x_n |x|^2 + O(|x|^(n+4)).
#[test]
fn remainder_order_is_n_plus_2_for_n_2_3_4() {
    for name in ["exp(x)", "1/(1-x)", "exp(x) + x^3"] {
        let sigma = expr(name);
        for n in 2..=4usize {
            let r = gate(&sigma, n, n + 3, None);
            assert_eq!(r.verdict, Verdict::Admits, "{name} n={n}");
            assert_eq!(r.hidden, 1 << n);
            let b = r.bias.clone().unwrap();
            assert_eq!(r.remainder.order, Some(n + 2), "{name} n={n}");
            let dn = kth_derivative_at(&sigma, n, &b);
            let dn2 = kth_derivative_at(&sigma, n + 2, &b);
            let lead = dn2.checked_div(&(&Const::from_int(6) * &dn)).unwrap();
            for i in 0..n {
                let mut p = vec![1; n];
                p[i] = 3;
                assert!(equal(&coefficient(&r, &p), &lead), "{name} n={n} {p:?}");
            }
            assert!(equal(&coefficient(&r, &vec![1; n]), &Const::one()));
            // Weights: A2_s = s_1...s_n / (2^n sigma^(n)(b)).
            for (s, a2) in r.a1.iter().zip(&r.a2) {
                let sign: i32 = s.iter().product();
                let expected = Const::from_int(sign.into())
                    .checked_div(&(&Const::from_int(1 << n) * &dn))
                    .unwrap();
                assert!(equal(a2, &expected));
            }
        }
    }
}

#[test]
fn slides_order_of_the_hidden_neurons() {
    let r = gate(&expr("exp(x)"), 2, 4, None);
    assert_eq!(
        r.a1,
        vec![vec![1, 1], vec![-1, -1], vec![1, -1], vec![-1, 1]]
    );
}

#[test]
fn exact_gates_have_no_remainder() {
    for (name, bias) in [
        ("x^2", None),
        ("x^2 + 3*x - 1", None),
        ("x^3", Some(Const::one())),
    ] {
        let r = gate(&expr(name), 2, 8, bias);
        assert_eq!(r.verdict, Verdict::Admits, "{name}");
        assert_eq!(r.remainder.order, None, "{name}");
        assert!(r.remainder.exact, "{name}");
        assert_eq!(r.expansion.len(), 1, "{name}: only uv");
    }
    // hard-swish is x(x+3)/6 near 0: an exact gate inside that piece.
    let r = gate(&expr("hardswish(x)"), 2, 8, None);
    assert!(r.remainder.exact && r.bias.unwrap().is_zero());
}

#[test]
fn piecewise_linear_and_affine_activations_are_refused_with_a_reason() {
    for name in [
        "relu(x)",
        "leaky_relu(x)",
        "prelu(x)",
        "hardtanh(x)",
        "hard_sigmoid(x)",
        "relu6(x)",
        "2*x + 1",
        "x",
        "abs(x)",
        "7",
    ] {
        let r = analyze(&expr(name), &GateOptions::default()).unwrap();
        assert_eq!(r.verdict, Verdict::DoesNotAdmit, "{name}");
        assert!(r.reason.contains("affine"), "{name}: {}", r.reason);
    }
    // A cubic does not admit the 4-input gate.
    let r = analyze(
        &expr("x^3 - x"),
        &GateOptions {
            inputs: 4,
            ..GateOptions::default()
        },
    )
    .unwrap();
    assert_eq!(r.verdict, Verdict::DoesNotAdmit);
    assert!(r.reason.contains("degree 3 < 4"), "{}", r.reason);
}

#[test]
fn a_piecewise_activation_admits_inside_its_smooth_piece() {
    // ELU: kink at 0, linear right piece; its exp piece admits (e.g. at -ln 2: sigma'' = 1/2).
    let r = analyze(&expr("elu(x)"), &GateOptions::default()).unwrap();
    assert_eq!(r.verdict, Verdict::Admits);
    let b = r.bias.unwrap();
    assert_eq!(b.sign(), taylorgate::Sign::Negative);
    assert!(equal(
        &r.derivative_at_bias.unwrap(),
        &kth_derivative_at(&expr("exp(x) - 1"), 2, &b)
    ));
    // A forced bias at the kink is not smooth: the answer says so and is not "admits".
    let r = gate(&expr("elu(x)"), 2, 6, Some(Const::zero()));
    assert_ne!(r.verdict, Verdict::Admits);
}

#[test]
fn a_forced_bias_where_sigma_vanishes_does_not_admit() {
    let r = gate(&expr("tanh(x)"), 2, 6, Some(Const::zero()));
    assert_eq!(r.verdict, Verdict::DoesNotAdmit);
    assert!(r.reason.contains("= 0"), "{}", r.reason);
}

#[test]
fn bad_options_are_errors() {
    let sigma = expr("exp(x)");
    assert!(analyze(
        &sigma,
        &GateOptions {
            inputs: 0,
            ..GateOptions::default()
        }
    )
    .is_err());
    assert!(analyze(
        &sigma,
        &GateOptions {
            inputs: 99,
            ..GateOptions::default()
        }
    )
    .is_err());
    assert!(analyze(
        &sigma,
        &GateOptions {
            degree: Some(1),
            ..GateOptions::default()
        }
    )
    .is_err());
    assert!(analyze(
        &sigma,
        &GateOptions {
            degree: Some(10_000),
            ..GateOptions::default()
        }
    )
    .is_err());
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn command_line_json_and_exit_codes() {
    let (code, out, _) = run(&["gate", "softplus", "--format", "json"]);
    assert_eq!(code, 0);
    let v = common::json(&out);
    assert_eq!(v["admits"], true);
    assert_eq!(v["bias"], "0");
    assert_eq!(v["derivative_at_bias"], "1/4");
    assert_eq!(v["hidden"], 4);
    assert_eq!(v["A2"], serde_json::json!(["1", "1", "-1", "-1"]));
    assert_eq!(v["remainder"]["order"], 4);
    assert_eq!(v["expansion"][0]["powers"], serde_json::json!([1, 1]));
    assert_eq!(v["expansion"][0]["coefficient"], "1");
    let leading: Vec<&str> = v["remainder"]["leading"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["coefficient"].as_str().unwrap())
        .collect();
    assert_eq!(leading, ["-1/12", "-1/12"]);

    let (code, out, _) = run(&["gate", "relu"]);
    assert_eq!(code, 1);
    assert!(out.to_lowercase().contains("does not admit"), "{out}");
    let (code, out, _) = run(&["gate", "x^2", "--format", "json"]);
    assert_eq!(code, 0);
    let v = common::json(&out);
    assert_eq!(v["remainder"]["order"], Value::Null);
    assert_eq!(v["remainder"]["exact"], true);
    let (code, _, err) = run(&["gate", "tahn(x)"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `tanh`"), "{err}");
    let (code, _, err) = run(&["gate", "exp(y)"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown name `y`"), "{err}");
    let (code, out, _) = run(&["gate", "sigmoid", "--bias", "ln(3)"]);
    assert_eq!(code, 0);
    assert!(out.contains("-3/32"), "{out}");
}

#[test]
fn a_switching_point_whose_sides_agree_through_the_degree() {
    // x^2 on both sides through degree 9: sigma''(0) = 2 is proved, no remainder through the
    // degree searched, and the answer does not claim an exact gate.
    let r = analyze(
        &expr("if x > 0 then x^2 + x^10 else x^2"),
        &GateOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, Verdict::Admits);
    assert_eq!(r.remainder.order, None);
    assert!(!r.remainder.exact);
}
