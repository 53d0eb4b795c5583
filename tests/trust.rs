//! No silent hangs, no aborts, inputs checked: the cases of the trust issue, through the binary.
//! Expected values come from mpmath (quoted where used), never from taylorgate itself.

mod common;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `run` under `ulimit -v 4194304` (4 GiB of address space): an allocation past it fails, and
/// the process must still end cleanly (no abort).
fn run_in_4_gib(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A clean refusal: exit 2 and one `error:` message, not an abort or a panic.
fn assert_clean_refusal(code: i32, err: &str) {
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    for bad in ["memory allocation", "panicked", "internal error", "__"] {
        assert!(!err.contains(bad), "{err}");
    }
}

fn tower(depth: usize) -> String {
    (0..depth).fold("x".to_string(), |e, _| format!("exp({e})"))
}

#[test]
fn a_timeout_stops_with_exit_2_and_says_what_was_computed() {
    let e = tower(60);
    let (code, _, err) = run(&["expand", &e, "--order", "3", "--timeout", "1"]);
    assert_eq!(code, 2, "{err}");
    // Not "the computation did not reach a stop point": the engine's own check stopped it.
    assert!(err.contains("timeout after 1 s"), "{err}");
    assert!(!err.contains("did not reach a stop point"), "{err}");
    assert!(
        err.contains("while computing the Taylor series of exp("),
        "{err}"
    );
}

#[test]
fn the_memory_limit_stops_with_exit_2_not_an_abort() {
    let e = tower(60);
    let (code, _, err) = run(&["expand", &e, "--order", "3", "--memory", "64"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("memory limit of 64 MiB reached"), "{err}");
}

#[test]
fn bad_timeouts_are_refused() {
    for t in ["0", "-1", "nan"] {
        let (code, _, err) = run(&["expand", "x", &format!("--timeout={t}")]);
        assert_eq!(code, 2, "--timeout {t}: {err}");
    }
}

#[test]
fn sin_of_a_huge_constant_is_reduced_quickly_and_correctly() {
    // mpmath (10100 digits): sin(10^10000) = -0.520793745615755...
    let (code, out, err) = run(&["expand", "sin(1e10000)", "--order", "0", "--digits", "12"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("≈ -0.520793745616"), "{out}");
}

#[test]
fn huge_bounds_print_as_short_decimals() {
    // sup |d^4/dx^4 10^(100 x)| on [-2, 2] is about 10^209: printed as a short decimal.
    let (code, out, err) = run(&["gate", "1e100^x", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v = common::json(&out);
    let k = v["remainder"]["bound"]["K"].as_str().unwrap();
    assert!(k.len() < 12 && k.contains('e'), "K = {k}");
    // Beyond 2^4096 the bound is refused instead of computed with 10^20000 (quickly: see
    // the limits in tests/differential/README.md).
    let (code, text, err) = run(&["gate", "1e10000^x"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.to_lowercase().contains("no rigorous bound"), "{text}");
}

#[test]
fn exponentials_of_huge_arguments_are_refused_not_computed() {
    // tanh(1e10000 x): tanh'' vanishes at 0, and every candidate bias needs tanh(1e10000 b).
    let (code, out, err) = run(&["gate", "tanh(1e10000*x)"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.to_lowercase().contains("undecided"), "{out}");
    let (code, _, err) = run(&["expand", "exp(1e10000)", "--order", "1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("exact exponential needs an argument below 2^40"),
        "{err}"
    );
}

#[test]
fn a_huge_radius_gives_a_clean_answer_for_the_bound() {
    let (code, out, err) = run(&["gate", "exp", "--radius", "1e6"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.to_lowercase().contains("no rigorous bound"), "{out}");
}

#[test]
fn claims_above_weight_40_are_refused_with_a_position() {
    let dir = std::env::temp_dir().join(format!("tg-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c41.tg");
    std::fs::write(&path, "claim x = x + O(|x|^41)\n").unwrap();
    let (code, _, err) = run(&["prove", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1:21"), "{err}");
    assert!(err.contains("up to weight 40"), "{err}");
    std::fs::write(&path, "claim x = x + O(|x|^40)\n").unwrap();
    let (code, _, err) = run(&["prove", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_quotient_by_an_exact_zero_is_refused_everywhere() {
    for args in [
        vec!["diff", "(x-x)^(-1)"],
        vec!["diff", "1/(x-x)", "--at", "1"],
        vec!["expand", "(x-x)^(-1)"],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains("division by"), "{args:?}: {err}");
    }
}

#[test]
fn the_60_deep_exp_tower_ends_cleanly_in_4_gib() {
    // exp(exp(...exp(0)...)) 60 deep has no exact value of any representable size (the fifth
    // level is already e^(3.8 million)): a refusal, a time-out or the memory limit, never an
    // abort ("memory allocation failed", exit 134, before the budget).
    let e = tower(60);
    let (code, _, err) = run_in_4_gib(&["expand", &e, "--order", "3", "--timeout", "10"]);
    assert_clean_refusal(code, &err);
}

#[test]
fn scan_with_8_inputs_ends_cleanly_in_4_gib() {
    // 40 threads with 512 MiB stacks once reserved 11 GB of address space and aborted.
    let (code, out, err) = run_in_4_gib(&["scan", "--inputs", "8", "--timeout", "1"]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(!err.contains("memory allocation"), "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[0].starts_with("name"), "{out}");
    for name in ["relu", "tanh", "softplus"] {
        assert!(
            rows.iter()
                .any(|r| r.split_whitespace().next() == Some(name)),
            "no row for {name}: {out}"
        );
    }
}

#[test]
fn a_tanh_tower_ends_cleanly_in_4_gib() {
    // It reached 3.2 GB before the memory budget (default 2048 MiB of live heap).
    let (code, out, err) =
        run_in_4_gib(&["gate", "tanh(tanh(tanh(tanh(exp(x)))))", "--timeout", "20"]);
    if code == 2 {
        assert_clean_refusal(code, &err);
    } else {
        assert!(code == 0 || code == 1, "exit {code}: {err}");
        assert!(out.contains("σ"), "{out}");
    }
}

#[test]
fn definitions_nested_thousands_deep_are_refused_with_a_position() {
    let dir = std::env::temp_dir().join(format!("tg-trust-deep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deep.tg");
    let mut text = String::from("g0(x) = sin(x)\n");
    for i in 1..3000 {
        text += &format!("g{i}(x) = g{}(x) * x + 1\n", i - 1);
    }
    std::fs::write(&path, text).unwrap();
    for command in ["diff", "expand"] {
        let (code, _, err) = run(&[command, "g2999(x)", "--file", path.to_str().unwrap()]);
        assert_clean_refusal(code, &err);
        assert!(err.contains("nested deeper than"), "{command}: {err}");
        assert!(
            err.contains("g2999(x)\n"),
            "{command}: no caret line: {err}"
        );
    }
}

#[test]
fn a_huge_literal_base_is_factored_at_budget_stop_points() {
    // Found by the `expand` fuzz target: `1e09992^x` spent its first second factoring
    // 10^9992 by trial division with no stop point (a 12 s libFuzzer time-out under a 250 ms
    // budget). mpmath: c_1 = 9992 ln 10 = 23007.43..., c_2 = (9992 ln 10)^2 / 2 = 2.6467092e8.
    let (code, out, err) = run(&[
        "expand",
        "1e09992^x",
        "--order",
        "2",
        "--digits",
        "7",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = common::json(&out);
    assert_eq!(v["approx"]["coefficients"][1], "23007.43", "{out}");
    assert_eq!(v["approx"]["coefficients"][2], "2.646709e8", "{out}");
    // A deadline far below the factoring's old cost is met by the engine's own stop points.
    let (code, _, err) = run(&["expand", "1e09992^x", "--order", "4", "--timeout", "0.01"]);
    if code == 2 {
        assert!(err.contains("timeout after"), "{err}");
        assert!(!err.contains("did not reach a stop point"), "{err}");
    } else {
        assert_eq!(code, 0, "{err}");
    }
}

#[test]
fn a_derivative_of_a_definition_at_its_kink_is_refused() {
    // g' jumps from -1 to 1 at 0, so g''(0) does not exist (`diff abs(x) -n 2 --at 0` says so).
    let dir = std::env::temp_dir().join(format!("tg-trust-kink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kink.tg");
    std::fs::write(&path, "g(x) = abs(x)*ln(2)\nc = g''(0)\n").unwrap();
    let file = path.to_str().unwrap();
    let (code, out, err) = run(&[
        "diff",
        "tan((x + c)/4)",
        "--at",
        "pi/4",
        "-n",
        "1",
        "--file",
        file,
    ]);
    assert_eq!(code, 2, "answered: {out}");
    assert_clean_refusal(code, &err);
    let (code, out, _) = run(&["expand", "c + x", "--order", "1", "--file", file]);
    assert_eq!(code, 2, "answered: {out}");
}

#[test]
fn a_remainder_bound_past_the_floats_is_no_bound_not_an_abort() {
    // Found by the gate fuzz target: x^(x^33) near the bias has enclosures like 2^(2^36); the
    // bound's float tables formed the exact rational endpoint first (8.6 GB in one allocation,
    // an abort under 4 GiB, 24 GB without a limit).
    let (code, out, err) = run_in_4_gib(&["gate", "--", "x^x^33"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No rigorous bound"), "{out}");
    assert!(!err.contains("memory allocation"), "{err}");
}

/// The exact constant a printed string denotes (parsed back by the library's parser).
fn constant(text: &str) -> taylorgate::Const {
    let defs = taylorgate::Definitions::new();
    let e = taylorgate::parse::parse_expr(text, &defs).expect("parses");
    taylorgate::Const::from_expr(&e).expect("a constant")
}

/// `printed` (JSON strings) equals `expected` (hand-derived constants), entry by entry.
fn assert_constants(printed: &serde_json::Value, expected: &[&str]) {
    let printed: Vec<&str> = printed
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect();
    assert_eq!(printed.len(), expected.len(), "{printed:?}");
    for (p, e) in printed.iter().zip(expected) {
        assert!((&constant(p) - &constant(e)).is_zero(), "{p} != {e}");
    }
}

/// A negative integer power inside a product or quotient is a removable singularity as the
/// quotient it equals: erf(x)/x = 2/sqrt(pi) (1 - x^2/3 + x^4/10 - ...) (erf(x) = 2/sqrt(pi)
/// (x - x^3/3 + x^5/10 - ...), term by term), sin(x) x^(-1) = 1 - x^2/6 + x^4/120, and
/// x / x^(-2) = x^3; `diff --at 0` gives k! c_k of the same series.
#[test]
fn negative_powers_in_products_are_removable_singularities() {
    let expand4 = |e: &str| {
        let (code, out, err) = run(&["expand", "--order", "4", "--format", "json", "--", e]);
        assert_eq!(code, 0, "{e}: {err}");
        common::json(&out)
    };
    assert_constants(
        &expand4("erf(x)*x^(-1)")["coefficients"],
        &["2/sqrt(pi)", "0", "-2/sqrt(pi)/3", "0", "2/sqrt(pi)/10"],
    );
    assert_constants(
        &expand4("x^(-1)*sin(x)")["coefficients"],
        &["1", "0", "-1/6", "0", "1/120"],
    );
    assert_constants(
        &expand4("x/x^(-2)")["coefficients"],
        &["0", "0", "0", "1", "0"],
    );
    // f''(0) = 2! c_2 = -4/(3 sqrt(pi)); (x^3)' = 3x^2, (x^3)'' = 6x, (x^3)''' = 6.
    let (code, out, err) = run(&[
        "diff",
        "-n",
        "2",
        "--at",
        "0",
        "--format",
        "json",
        "--",
        "erf(x)*x^(-1)",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_constants(&common::json(&out)["values"], &["0", "-4/(3*sqrt(pi))"]);
    let (code, out, err) = run(&[
        "diff", "-n", "3", "--at", "0", "--format", "json", "--", "x/x^(-2)",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_constants(&common::json(&out)["values"], &["0", "0", "6"]);
    // A pole is still a pole.
    let (code, _, err) = run(&["expand", "--", "x^(-1)"]);
    assert_clean_refusal(code, &err);
    assert!(err.contains("pole") && err.contains("1:1"), "{err}");
    let (code, _, err) = run(&["expand", "--", "x^(-2)*sin(x)"]);
    assert_clean_refusal(code, &err);
}

/// An activation that is nowhere defined is refused by `gate` as `diff` refuses it (exit 2,
/// line and column), not judged undecided.
#[test]
fn gate_refuses_a_nowhere_defined_activation_as_diff_does() {
    let (code, _, diff_err) = run(&["diff", "--", "(x-x)^(-1)"]);
    assert_clean_refusal(code, &diff_err);
    let (code, out, err) = run(&["gate", "--format", "json", "--", "(x-x)^(-1)"]);
    assert_eq!(code, 2, "{out}{err}");
    let j = common::json(&out);
    let e = &j["error"];
    assert_eq!(e["line"], 1, "{j}");
    assert_eq!(e["column"], 1, "{j}");
    let message = e["message"].as_str().expect("message");
    assert!(message.contains("division by zero"), "{message}");
    assert!(diff_err.contains("division by zero"), "{diff_err}");
}

/// `diff -n 4` of a function with no real value at the point is refused at once, from the
/// point, before the fourth symbolic derivative (which took over 3 s of CPU) is built.
/// `atanh(2 + atan(pi/4) - pi^2/16)`: the argument is about 2.04 > 1 (by hand: atan(pi/4)
/// ~ 0.666, pi^2/16 ~ 0.617).
#[test]
fn diff_at_a_point_outside_the_domain_is_refused_before_the_derivatives() {
    let (code, _, err) = run(&[
        "diff",
        "atanh((1/2)^(-1) + (atan(x) - x*x))",
        "-n",
        "4",
        "--at=pi/4",
        "--timeout",
        "2",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a real number"), "{err}");
    assert!(!err.contains("timeout"), "{err}");
}

/// Case 413 of the differential seed 20261202 (timed out at 10 s): the fourth derivative of
/// `acos(tanh(x + 3x cosh x)/2)` at sqrt(2). The values are mpmath's (60 digits,
/// `mpmath.diff`), independent of the engine.
#[test]
fn a_fourth_derivative_of_a_nested_composition_is_fast_and_right() {
    let (code, out, err) = run(&[
        "diff",
        "acos((tanh((x + (cosh(x) * (3 * x)))) / 2))",
        "-n",
        "4",
        "--at=sqrt(2)",
        "--digits",
        "15",
        "--format",
        "json",
        "--timeout",
        "20",
    ]);
    assert_eq!(code, 0, "{err}");
    let data: serde_json::Value = serde_json::from_str(&out).unwrap();
    // mpmath (60 digits), as text: more digits than an f64 holds.
    let want = [
        "-2.020252806630089721239071e-8",
        "6.093950726871698417732951e-7",
        "-1.753971599812467570036879e-5",
        "4.793910346839190744113711e-4",
    ]
    .map(|w| w.parse::<f64>().unwrap());
    let got = data["approx"]["values"].as_array().unwrap();
    assert_eq!(got.len(), 4, "{out}");
    for (g, w) in got.iter().zip(want) {
        let g: f64 = g.as_str().unwrap().parse().unwrap();
        assert!((g - w).abs() <= 1e-12 * w.abs(), "{g} vs {w}");
    }
    assert_eq!(data["derivatives"].as_array().unwrap().len(), 4);
}
