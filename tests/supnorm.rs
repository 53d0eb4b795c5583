//! Sup-norm claims `claim |g| <= eps for |u| <= r, ...`: true ones proved, false ones refuted
//! with an exact witness that this test checks on its own (the network evaluated in `f64` with
//! the standard library's `ln_1p` and `exp`, far from the margin), one undecided at a limit,
//! and malformed ones rejected with line and column.

use num_rational::BigRational;
use num_traits::ToPrimitive;
use serde_json::Value;
use std::process::Command;

mod common;

fn prove(args: &[&str]) -> (Value, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .arg("prove")
        .args(args)
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (common::output_json(&out), out.status.code().unwrap_or(-1))
}

fn sp(x: f64) -> f64 {
    x.exp().ln_1p()
}

/// The lambda = 1/8 softplus gate minus uv, by hand (4 sigma''(0) lambda^2 = 1/64).
fn gate(u: f64, v: f64) -> f64 {
    let l = 0.125;
    (sp(l * (u + v)) + sp(-l * (u + v)) - sp(l * (u - v)) - sp(l * (v - u))) * 64.0 - u * v
}

/// The "trained" network of examples/supnorm.tg minus uv.
fn trained(u: f64, v: f64) -> f64 {
    65.61012 * sp(0.1234567 * u + 0.1234571 * v + 0.0001)
        + 65.61003 * sp(-0.1234569 * u - 0.1234566 * v + 0.0001)
        - 65.61009 * sp(0.123457 * u - 0.1234568 * v + 0.0001)
        - 65.61005 * sp(-0.1234566 * u + 0.1234569 * v + 0.0001)
        - u * v
}

fn witness(c: &Value) -> (f64, f64) {
    let w = c["sup"]["witness"].as_array().expect("a witness");
    let q = |i: usize| {
        w[i].as_str()
            .unwrap()
            .parse::<BigRational>()
            .unwrap()
            .to_f64()
            .unwrap()
    };
    (q(0), q(1))
}

#[test]
fn example_claims_are_proved_or_refuted_with_a_checked_witness() {
    let (v, code) = prove(&["examples/supnorm.tg"]);
    assert_eq!(code, 1, "some claims are refuted");
    let claims = v["claims"].as_array().expect("claims");
    let status: Vec<&str> = claims
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["proved", "refuted", "proved", "proved", "refuted"]);
    // Refuted: |g(witness)| > eps, by an evaluation that shares nothing with taylorgate.
    let (u, w) = witness(&claims[1]);
    assert!(u.abs() <= 1.0 && w.abs() <= 1.0);
    assert!(gate(u, w).abs() > 1e-3 * 1.01, "{u} {w} {}", gate(u, w));
    let (u, w) = witness(&claims[4]);
    assert!(u.abs() <= 1.0 && w.abs() <= 1.0);
    assert!(
        trained(u, w).abs() > 0.0025 * 1.01,
        "{u} {w} {}",
        trained(u, w)
    );
    // Proved: the sampled sup stays below eps, and the reported bounds bracket it.
    let mut worst = 0f64;
    let mut worst_t = 0f64;
    for i in -40..=40 {
        for j in -40..=40 {
            let (a, b) = (i as f64 / 40.0, j as f64 / 40.0);
            worst = worst.max(gate(a, b).abs());
            worst_t = worst_t.max(trained(a, b).abs());
        }
    }
    assert!(worst < 1.0 / 300.0 && worst_t < 0.003);
    let upper = |c: &Value| {
        c["sup"]["upper"]
            .as_str()
            .unwrap()
            .parse::<BigRational>()
            .unwrap()
            .to_f64()
            .unwrap()
    };
    assert!(upper(&claims[0]) >= worst * (1.0 - 1e-9));
    assert!(upper(&claims[3]) >= worst_t * (1.0 - 1e-9));
}

#[test]
fn a_thin_margin_is_undecided_at_the_limit_and_proved_without_it() {
    let (v, code) = prove(&["tests/data/sup_tight.tg", "--search-timeout", "0"]);
    assert_eq!(code, 1);
    let c = &v["claims"][0];
    assert_eq!(c["status"], "undecided", "{c}");
    let q = |k: &str| {
        c["sup"][k]
            .as_str()
            .unwrap()
            .parse::<BigRational>()
            .unwrap()
    };
    let eps: BigRational = "13/5000".parse().unwrap();
    assert!(q("lower") <= eps && eps <= q("upper"), "{c}");
    let (v, code) = prove(&["tests/data/sup_tight.tg"]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn malformed_sup_claims_are_errors_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("tg-sup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (src, needle) in [
        ("claim |u*v| <= 1 for\n", "1:"),
        ("claim |u*v <= 1 for |u| <= 1\n", "1:"),
        ("\nclaim |u*v| <= 1 for |u| <= 1, |v|\n", "2:"),
    ] {
        let f = dir.join("bad.tg");
        std::fs::write(&f, src).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
            .args(["prove", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{src}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{src}: {err}");
    }
    // A variable without a range is named.
    let f = dir.join("norange.tg");
    std::fs::write(&f, "claim |u*v| <= 1 for |u| <= 1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(["prove", f.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("`v` has no range"), "{text}");
}
