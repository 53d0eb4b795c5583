//! The library and `taylorgate scan`: every row checked against an independent evaluation.

use serde_json::Value;

mod common;
use taylorgate::diff::{derivative, evaluate, inline_definitions};
use taylorgate::parse::parse_expr;
use taylorgate::{Const, Definitions, ZeroTest};

fn run(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn scan_json(extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out) = run(&args);
    assert_eq!(code, 0);
    let v = common::json(&out);
    assert_eq!(v["schema"], "taylorgate/1");
    assert_eq!(v["command"], "scan");
    v["rows"].as_array().unwrap().clone()
}

fn constant(s: &str) -> Const {
    Const::from_expr(&parse_expr(s, &Definitions::new()).unwrap()).unwrap()
}

fn kth_derivative_at(name: &str, k: usize, b: &Const) -> Const {
    let defs = taylorgate::library::definitions();
    let call = parse_expr(&format!("{name}(x)"), &defs).unwrap();
    let mut d = inline_definitions(&call, &defs).unwrap();
    for _ in 0..k {
        d = derivative(&d, "x").unwrap();
    }
    evaluate(&d, "x", b).unwrap()
}

fn equal(a: &Const, b: &Const) -> bool {
    (a - b).zero_test() == ZeroTest::Zero
}

#[test]
fn the_library_has_the_required_activations_with_sources() {
    let lib = taylorgate::library::activations();
    assert!(lib.len() >= 30);
    for name in [
        "relu",
        "leaky_relu",
        "prelu",
        "elu",
        "selu",
        "celu",
        "gelu",
        "gelu_tanh",
        "silu",
        "swish",
        "mish",
        "softplus",
        "softsign",
        "sigmoid",
        "hard_sigmoid",
        "tanh",
        "hardtanh",
        "hardswish",
        "log_sigmoid",
        "exp",
        "gaussian",
        "sin",
        "cos",
        "atan",
        "isru",
        "bent_identity",
        "squareplus",
        "tanhexp",
        "logish",
        "smish",
        "serf",
        "sinc",
        "erf",
        "square",
        "cube",
        "identity",
    ] {
        let a = taylorgate::library::find(name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(!a.source.is_empty(), "{name} has no source");
    }
    let (code, out) = run(&["list"]);
    assert_eq!(code, 0);
    assert!(out.contains("mish") && out.contains("Misra"));
}

#[test]
fn library_names_work_wherever_an_activation_is_expected() {
    let (code, out) = run(&["gate", "mish", "--format", "json"]);
    assert_eq!(code, 0);
    let v = common::json(&out);
    assert_eq!(v["derivative_at_bias"], "16/25"); // THEOREM.md table: uses tanh(ln 2) = 3/5
    let (code, out) = run(&["expand", "gelu", "--order", "4", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    common::json(&out);
    let (code, out) = run(&[
        "diff", "softplus", "-n", "2", "--at", "0", "--format", "json",
    ]);
    assert_eq!(code, 0);
    let v = common::json(&out);
    assert_eq!(v["values"][1], "1/4");
}

/// THEOREM.md section 3: sigma''(0) and the leading error coefficient at b = 0.
#[test]
fn scan_rows_match_the_theorem_table() {
    let rows = scan_json(&[]);
    let row = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    let table = [
        ("exp", "1", "1/6"),
        ("softplus", "1/4", "-1/12"),
        ("silu", "1/2", "-1/6"),
        ("gelu", "sqrt(2/pi)", "-1/3"),
        ("mish", "16/25", "-43/150"),
        ("gaussian", "-2", "-1"),
        ("square", "2", "0"),
    ];
    for (name, s2, lead) in table {
        let r = row(name);
        assert_eq!(r["admits"], true, "{name}");
        assert_eq!(r["bias"], "0", "{name}");
        assert!(
            equal(
                &constant(r["derivative_at_bias"].as_str().unwrap()),
                &constant(s2)
            ),
            "{name}"
        );
        assert!(
            equal(
                &constant(r["leading_error"].as_str().unwrap()),
                &constant(lead)
            ),
            "{name}"
        );
    }
    assert_eq!(row("square")["remainder"]["order"], Value::Null);
    assert_eq!(row("square")["remainder"]["exact"], true);
}

#[test]
fn every_admitting_row_agrees_with_the_differentiator() {
    let rows = scan_json(&[]);
    let mut admitted = 0;
    for r in &rows {
        if r["admits"] != true {
            continue;
        }
        admitted += 1;
        let name = r["name"].as_str().unwrap();
        let b = constant(r["bias"].as_str().unwrap());
        if name == "sinc" {
            // sin(x)/x has a removable singularity at 0, where the differentiator cannot
            // evaluate; its series 1 - x^2/6 + x^4/120 gives the second derivative -1/3 and the
            // fourth 1/5, so the leading error is (1/5)/(6 (-1/3)) = -1/10.
            assert!(b.is_zero());
            assert!(equal(
                &constant(r["derivative_at_bias"].as_str().unwrap()),
                &constant("-1/3")
            ));
            assert!(equal(
                &constant(r["leading_error"].as_str().unwrap()),
                &constant("-1/10")
            ));
            continue;
        }
        let s2 = kth_derivative_at(name, 2, &b);
        assert_eq!(s2.zero_test(), ZeroTest::NonZero, "{name}");
        assert!(
            equal(&s2, &constant(r["derivative_at_bias"].as_str().unwrap())),
            "{name}"
        );
        let s4 = kth_derivative_at(name, 4, &b);
        let lead = s4.checked_div(&(&Const::from_int(6) * &s2)).unwrap();
        assert!(
            equal(&lead, &constant(r["leading_error"].as_str().unwrap())),
            "{name}"
        );
        assert_eq!(r["hidden"], 4);
    }
    assert!(admitted >= 25, "{admitted}");
}

#[test]
fn the_relu_family_is_refused_with_its_reason() {
    let rows = scan_json(&[]);
    for name in [
        "relu",
        "leaky_relu",
        "prelu",
        "hardtanh",
        "hard_sigmoid",
        "relu6",
        "identity",
    ] {
        let r = rows.iter().find(|r| r["name"] == name).unwrap();
        assert_eq!(r["admits"], false, "{name}");
        assert_eq!(r["verdict"], "does not admit", "{name}");
        assert!(r["reason"].as_str().unwrap().contains("affine"), "{name}");
    }
}

#[test]
fn scan_of_a_file_keeps_going_past_a_failing_row() {
    let dir = std::env::temp_dir().join(format!("tg-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("acts.tg");
    std::fs::write(
        &path,
        "good(x) = exp(x)\nnowhere(x) = sqrt(-1 - x^2)\nline(x) = 3*x - 1\n",
    )
    .unwrap();
    let rows = scan_json(&["--file", path.to_str().unwrap()]);
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["good", "nowhere", "line"]);
    assert_eq!(rows[0]["admits"], true);
    assert_eq!(rows[1]["admits"], false);
    assert_eq!(rows[2]["verdict"], "does not admit");
}

#[test]
fn scan_formats() {
    let (_, md) = run(&["scan", "--format", "markdown"]);
    assert!(md.starts_with("| name |"));
    assert!(md.lines().all(|l| l.starts_with('|')));
    let (_, csv) = run(&["scan", "--format", "csv"]);
    assert_eq!(
        csv.lines().count(),
        taylorgate::library::activations().len() + 1
    );
    let (_, text) = run(&["scan", "--inputs", "3"]);
    assert!(text.contains("σ^(3)(0)"));
}

/// The README's table is the command's output, not typed by hand.
#[test]
fn readme_scan_table_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- scan:start -->")
        .expect("README has the scan table markers");
    let end = readme.find("<!-- scan:end -->").unwrap();
    let table = readme[start + "<!-- scan:start -->".len()..end].trim();
    let (_, md) = run(&["scan", "--format", "markdown"]);
    assert_eq!(table, md.trim(), "regenerate with: bench/readme-scan.sh");
}

#[test]
fn a_row_that_times_out_says_so_and_the_scan_goes_on() {
    // Nested tanh of e: exact constants in Q(e) grow quickly; this row needs far more than 1 s.
    let dir = std::env::temp_dir().join(format!("tg-scan-timeout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("acts.tg");
    std::fs::write(
        &path,
        "quick(x) = exp(x)\nslow(x) = tanh(tanh(tanh(tanh(exp(x)))))\nlast(x) = x^2\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let rows = scan_json(&["--file", path.to_str().unwrap(), "--timeout", "1"]);
    assert!(
        started.elapsed().as_secs() < 15,
        "the scan waited for the slow row"
    );
    assert_eq!(rows[0]["admits"], true);
    assert_eq!(rows[1]["verdict"], Value::Null);
    assert!(
        rows[1]["error"].as_str().unwrap().contains("timeout"),
        "{}",
        rows[1]
    );
    assert_eq!(rows[2]["admits"], true);
}

#[test]
fn every_command_prints_the_versioned_schema() {
    for (args, command) in [
        (vec!["expand", "softplus", "--order", "2"], "expand"),
        (vec!["diff", "softplus", "--at", "0"], "diff"),
        (vec!["gate", "softplus"], "gate"),
        (vec!["list"], "list"),
    ] {
        let mut args = args.clone();
        args.extend(["--format", "json"]);
        let (code, out) = run(&args);
        assert_eq!(code, 0, "{args:?}");
        let v = common::json(&out);
        assert_eq!(v["schema"], "taylorgate/1", "{args:?}");
        assert_eq!(v["command"], command, "{args:?}");
    }
    // A1 as exact strings, like A2.
    let (_, out) = run(&["gate", "softplus", "--format", "json"]);
    let v = common::json(&out);
    assert_eq!(v["A1"][1], serde_json::json!(["-1", "-1"]));
    // Built-in names work where a named activation does.
    let (code, out) = run(&["expand", "tanh", "--order", "3", "--format", "json"]);
    assert_eq!(code, 0);
    let v = common::json(&out);
    assert_eq!(
        v["coefficients"],
        serde_json::json!(["0", "1", "0", "-1/3"])
    );
}

#[test]
fn json_errors_are_objects_on_standard_output() {
    let (code, out) = run(&["expand", "sin(x) + tahn(x)", "--format", "json"]);
    assert_eq!(code, 2);
    let v = common::json(&out);
    assert_eq!(v["schema"], "taylorgate/1");
    assert_eq!(v["command"], "expand");
    assert_eq!(v["error"]["kind"], "parse");
    assert_eq!(v["error"]["line"], 1);
    assert_eq!(v["error"]["column"], 10);
    assert!(v["error"]["message"].as_str().unwrap().contains("tanh"));
    let (code, out) = run(&["expand", "1/x", "--format", "json"]);
    assert_eq!(code, 2);
    let v = common::json(&out);
    assert_eq!(v["error"]["kind"], "math");
    // A math error is located in the input too (the pole of `1/x`).
    assert_eq!(v["error"]["line"], 1);
    assert!(v["error"]["column"].as_u64().is_some(), "{v}");
    let (code, out) = run(&["gate", "exp(y)", "--format", "json"]);
    assert_eq!(code, 2);
    let v = common::json(&out);
    assert_eq!(v["error"]["kind"], "usage");
}
