//! A call is defined only where every argument is, whether or not the body uses it
//! (differential case #3635: `g(ln(x))` with `g(x) = 5` at `x = -1` printed `5`). Expected
//! behaviour from the mathematics: `ln(x)` has no real value at `x <= 0` and no Taylor series
//! at 0, so every call of it there is refused; where it is analytic (`x = 1`) the value is that
//! of the body (`5`), unchanged.

use taylorgate::gate::Verdict;
use taylorgate::session::{DiffRequest, ExpandRequest, GateRequest, ProveRequest, Session};

const DEFS: &str = "\
g(x) = 5
h(x) = if 1 < 2 then 5 else x
k(x, y) = x
m(x) = g(x) + 1
n(x) = m(x)
id(x) = x
";

fn session() -> Session {
    let mut s = Session::new();
    s.load_source(DEFS, Some("F.tg"))
        .expect("the definitions load");
    s
}

fn expand(expr: &str, at: &str) -> Result<Vec<String>, String> {
    let mut req = ExpandRequest::new(expr, 3);
    req.at = at.to_string();
    session()
        .expand(&req)
        .map(|r| r.coefficients.iter().map(|c| c.to_string()).collect())
        .map_err(|e| e.to_string())
}

/// Every form that drops its argument, at a point where the argument is undefined.
const DROPPED: &[&str] = &[
    "g(ln(x))",
    "h(ln(x))",
    "k(x, ln(x))",
    "m(ln(x))",
    "n(ln(x))",
    "g(g(ln(x)))",
    "id'(ln(x))",
    "g(sqrt(x))",
    "k(x, [ln(x), 1] * [1, 1])",
    "0*ln(x)",
    "ln(x) - ln(x)",
    "ln(x)^0",
    "min(ln(x), 5) - min(ln(x), 5)",
    "abs(ln(x))*0",
];

#[test]
fn a_call_is_undefined_where_an_argument_is() {
    for e in DROPPED {
        for at in ["-1", "-1/2"] {
            let r = expand(e, at);
            assert!(r.is_err(), "expand {e} at {at} must be refused, got {r:?}");
        }
    }
    // The constant argument ln(-1) is not a real number.
    assert!(expand("g(ln(-1))", "0").is_err());
}

#[test]
fn a_call_keeps_its_value_where_every_argument_is_defined() {
    let five = vec!["5".to_string(), "0".into(), "0".into(), "0".into()];
    for e in ["g(ln(x))", "h(ln(x))", "g(g(ln(x)))", "g(sqrt(x))"] {
        assert_eq!(expand(e, "1").unwrap(), five, "{e} at 1");
    }
    // m(ln(x)) = 6, n likewise; k(x, ln x) = x; id'(ln(x)) = 1.
    assert_eq!(expand("m(ln(x))", "2").unwrap()[0], "6");
    assert_eq!(expand("n(ln(x))", "2").unwrap()[0], "6");
    assert_eq!(
        expand("k(x, ln(x))", "1").unwrap(),
        ["1", "1", "0", "0"].map(String::from)
    );
    assert_eq!(expand("id'(ln(x))", "3").unwrap()[0], "1");
    // An argument defined everywhere needs no guard: g(x^2 + sin(x)) is 5 at -1.
    assert_eq!(expand("g(x^2 + sin(x))", "-1").unwrap(), five);
}

#[test]
fn diff_refuses_where_an_argument_is_undefined() {
    let diff = |at: &str| {
        session().diff(&DiffRequest {
            expr: "g(ln(x))".into(),
            order: 2,
            at: Some(at.into()),
            var: "x".into(),
            digits: None,
        })
    };
    assert!(diff("-1").is_err());
    let ok = diff("1").expect("g(ln(x)) is analytic at 1");
    let values: Vec<String> = ok.values.unwrap().iter().map(|v| v.to_string()).collect();
    assert_eq!(values, ["0", "0"]);
}

#[test]
fn gate_does_not_read_an_undefined_activation_as_a_polynomial() {
    // sigma = g(ln(x)) is 5 on x > 0 and undefined on x <= 0: not an affine function, so
    // "does not admit because sigma is affine" would be an unproved claim.
    let r = session().gate(&GateRequest::new("g(ln(x))"));
    if let Ok(r) = r {
        assert_ne!(r.report.verdict, Verdict::DoesNotAdmit);
    }
}

#[test]
fn prove_does_not_drop_an_undefined_argument() {
    let src = format!(
        "{DEFS}\
claim g(ln(x)) = 5 + O(|x|^3)
claim 0*ln(x) = 0 + O(|x|^3)
claim |g(ln(u)) - 5| <= 1 for -1 <= u <= 1
claim |0*ln(u)| <= 1 for -1 <= u <= 1
claim |g(ln(u)) - 5| <= 1 for 1 <= u <= 2
"
    );
    let report = Session::new()
        .prove(&src, Some("P.tg"), &ProveRequest::default())
        .expect("the claims are read");
    let status: Vec<&str> = report.claims.iter().map(|c| c.status).collect();
    // ln is undefined at the origin and on u <= 0: the first four are not proved; on
    // [1, 2] the function is the constant 5.
    for (i, s) in status.iter().enumerate().take(4) {
        assert_ne!(
            *s,
            "proved",
            "claim {} must not be proved: {status:?}",
            i + 1
        );
    }
    assert_eq!(status[4], "proved", "{status:?}");
}

#[test]
fn the_refusal_names_the_argument() {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("guard_defs.tg");
    std::fs::write(&file, DEFS).expect("a temporary file");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(["expand", "g(ln(x))", "--at", "-1", "--file"])
        .arg(&file)
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ln(-1)"), "{err}");
    assert!(
        err.contains("1:3"),
        "line 1, column 3 (the argument): {err}"
    );
}

#[test]
fn a_condition_decided_by_an_identity_is_not_a_switching_point() {
    // x*1 < x never holds: the `if` is sinh(2) everywhere (differential case #6181).
    let r = session()
        .diff(&DiffRequest {
            expr: "if x*1 < x then 10 else sinh(2)".into(),
            order: 1,
            at: Some("sqrt(2)".into()),
            var: "x".into(),
            digits: None,
        })
        .expect("a constant function");
    assert_eq!(r.values.unwrap()[0].to_string(), "0");
    assert_eq!(
        expand("if x + 0 <= x/1 then x^1 else 1/0", "0").unwrap(),
        ["0", "1", "0", "0"].map(String::from)
    );
}

/// The printed symbolic derivatives (no `--at`) keep the domain of the function: read back in
/// the language, each is undefined where an argument is (`ln(x)` at x = -1, 0) and is the
/// derivative of the body where it is defined (hand: g, h, m are constant in their argument,
/// so every derivative is 0 at x = 2; k(x, ln x) = x has the derivatives 1, 0; 0*ln(x) and
/// ln(x)^0 are constant). Before, the simplifier folded the guard and printed `f'(x) = 0`.
#[test]
fn printed_derivatives_keep_the_domain_of_an_unused_argument() {
    let cases: &[(&str, [&str; 2])] = &[
        ("g(ln(x))", ["0", "0"]),
        ("h(ln(x))", ["0", "0"]),
        ("m(ln(x))", ["0", "0"]),
        ("g(g(ln(x)))", ["0", "0"]),
        ("g(sqrt(x))", ["0", "0"]),
        ("k(x, ln(x))", ["1", "0"]),
        ("0*ln(x)", ["0", "0"]),
        ("abs(ln(x))*0", ["0", "0"]),
        ("ln(x)^0", ["0", "0"]),
        // Terms of a sum that cancel keep their domain too.
        ("ln(x) - ln(x)", ["0", "0"]),
        ("x + ln(x) - ln(x)", ["1", "0"]),
        ("sqrt(x) - sqrt(x) + x^2", ["4", "2"]),
    ];
    let s = session();
    let defs = taylorgate::Definitions::new();
    for (e, want) in cases {
        let report = s
            .diff(&DiffRequest {
                expr: e.to_string(),
                order: 2,
                at: None,
                var: "x".into(),
                digits: None,
            })
            .unwrap_or_else(|err| panic!("diff {e}: {err}"));
        assert_eq!(report.derivatives.len(), 2, "{e}");
        for (k, printed) in report.derivatives.iter().enumerate() {
            // Read back with no definitions in scope: the text is built-ins only.
            let d = taylorgate::parse::parse_expr(printed, &defs)
                .unwrap_or_else(|err| panic!("{e}: `{printed}` does not parse: {err}"));
            // sqrt(0) = 0 has a value: only ln is undefined at 0.
            let bad_points: &[&str] = if e.contains("sqrt") {
                &["-1"]
            } else {
                &["-1", "0"]
            };
            for bad in bad_points {
                let at = s.parse_point(bad).unwrap();
                assert!(
                    taylorgate::diff::evaluate(&d, "x", &at).is_err(),
                    "{e}: derivative {} printed `{printed}` has a value at x = {bad}",
                    k + 1
                );
            }
            let at = s.parse_point("2").unwrap();
            let v = taylorgate::diff::evaluate(&d, "x", &at)
                .unwrap_or_else(|err| panic!("{e}: `{printed}` at 2: {err}"));
            assert_eq!(
                v.to_string(),
                want[k],
                "{e}: derivative {} `{printed}`",
                k + 1
            );
        }
    }
}
