//! Regression tests of the lowered graph and its evaluator (issue "One engine"): each row of
//! the table that the engine owns gives the truth. Expected values are hand
//! derivations (stated beside each case), never outputs of the code under test.

use std::io::Write;

mod common;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("taylorgate-engine-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

use common::json;

fn exact(s: &str) -> taylorgate::Const {
    let defs = taylorgate::Definitions::new();
    taylorgate::Const::from_expr(&taylorgate::parse::parse_expr(s, &defs).unwrap()).unwrap()
}

/// `((u^8192)^8192)^32` is `u^(2^31)`: beyond the exponent limit of a monomial, so the claim
/// is never PROVED (the square would wrap to `u^0 = 1` in 32-bit arithmetic).
#[test]
fn exponents_beyond_the_limit_are_a_clean_error_not_a_proof() {
    let file = temp_file(
        "wrap.tg",
        "claim ((u^8192)^8192)^32 * ((u^8192)^8192)^32 = 1 + O(lambda^1)\n",
    );
    let (code, out, err) = run(&["prove", file.to_str().unwrap(), "--format", "json"]);
    assert_ne!(code, 0, "{out}{err}");
    assert!(!out.contains("\"proved\""), "{out}");
    let (code, out, err) = run(&["prove", file.to_str().unwrap()]);
    assert_ne!(code, 0, "{out}{err}");
    assert!(!out.contains("PROVED"), "{out}");
    assert!(format!("{out}{err}").contains("exponent"), "{out}{err}");
}

/// The coefficient of x^4 is `sin(1)^2 + cos(1)^2 - 1`, which is 0 but not provably so by
/// the zero test: the remainder's order is undecided, never "order 4".
#[test]
fn gate_states_a_remainder_order_only_when_its_coefficient_is_proved_nonzero() {
    let (_, out, err) = run(&["gate", "x^2 + (sin(1)^2+cos(1)^2-1)*x^4"]);
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("no remainder order is stated"), "{out}{err}");
    assert!(!words.contains("R(x) ="), "{out}{err}");
    let (_, out, _) = run(&[
        "gate",
        "x^2 + (sin(1)^2+cos(1)^2-1)*x^4",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert!(v["remainder"]["order"].is_null(), "{out}");
    assert!(!v["remainder"]["undecided"].is_null(), "{out}");
}

/// sqrt(x)^2 has no derivative at 0 in the reals (sqrt is undefined left of 0), as `expand`
/// says; the simplified derivative (x' = 1) must not be reported.
#[test]
fn diff_at_a_point_refuses_where_the_function_has_no_series() {
    let (code, out, err) = run(&["diff", "sqrt(x)^2", "--at", "0"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains("f'(0) = 1"), "{out}");
    let (code, _, _) = run(&["expand", "sqrt(x)^2"]);
    assert_eq!(code, 2);
}

/// (1+x)^r = 1 + r x + r(r-1)/2 x^2 + ... with r = ln 2.
#[test]
fn irrational_powers_expand() {
    let (code, out, err) = run(&["expand", "(1+x)^ln(2)", "--order", "2", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let c: Vec<taylorgate::Const> = v["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| exact(c.as_str().unwrap()))
        .collect();
    let want = ["1", "ln(2)", "ln(2)*(ln(2) - 1)/2"].map(exact);
    for (got, want) in c.iter().zip(&want) {
        assert_eq!(
            (got - want).zero_test(),
            taylorgate::ZeroTest::Zero,
            "{got} vs {want}"
        );
    }
}

/// sin(x)/x = 1 - x^2/6 + ...: f'(0) = 0, f''(0) = -1/3 (a removable singularity).
#[test]
fn diff_at_a_removable_singularity() {
    let (code, out, err) = run(&[
        "diff", "sin(x)/x", "-n", "2", "--at", "0", "--format", "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["values"][0], "0");
    assert_eq!(v["values"][1], "-1/3");
}

/// 40 definitions, each nesting the previous one 990 levels deep: f_40(x) = x + 40*990.
#[test]
fn long_chains_of_deep_definitions() {
    let mut text = String::from("f0(x) = x\n");
    for i in 1..=40 {
        text += &format!(
            "f{i}(x) = {}f{}(x){}\n",
            "(".repeat(990),
            i - 1,
            " + 1)".repeat(990)
        );
    }
    let file = temp_file("chain.tg", &text);
    let (code, out, err) = run(&[
        "expand",
        "f40",
        "--file",
        file.to_str().unwrap(),
        "--order",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["coefficients"][0], "39600");
    assert_eq!(v["coefficients"][1], "1");
    assert_eq!(v["coefficients"][2], "0");
}

/// The graph shares equal subexpressions and lowers a chain of definitions once per
/// definition and argument, without recursion (a plain 2 MiB thread suffices).
#[test]
fn lowering_is_shared_and_iterative() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            use taylorgate::expr::{Expr, Func};
            let mut defs = taylorgate::Definitions::new();
            let x = Expr::var("x");
            defs.define_function("g0", vec!["x".into()], Expr::call(Func::Sin, x.clone()));
            for i in 1..2000 {
                // g_i(x) = g_{i-1}(x) * g_{i-1}(x): a tree of 2^2000 nodes, a graph of ~4000.
                let prev = Expr::Apply(format!("g{}", i - 1), vec![x.clone()]);
                defs.define_function(&format!("g{i}"), vec!["x".into()], prev.clone() * prev);
            }
            let mut lowering = taylorgate::ir::Lowering::new(&defs);
            let root = lowering
                .lower(&Expr::Apply("g1999".into(), vec![x.clone()]))
                .unwrap()
                .into_scalar("root")
                .unwrap();
            assert!(lowering.graph().len() < 4100, "{}", lowering.graph().len());
            assert_eq!(lowering.graph().facts(root).depth, 2000);
        })
        .unwrap()
        .join()
        .unwrap();
}

fn q(n: i64, d: i64) -> num_rational::BigRational {
    num_rational::BigRational::new(n.into(), d.into())
}

fn parsed(text: &str) -> taylorgate::Expr {
    taylorgate::parse::parse_expr(text, &taylorgate::Definitions::new()).unwrap()
}

/// Enclosures are a domain of the one evaluator: a condition undecided over the box joins its
/// pieces, `abs`, `min` and `max` by their tight images (hand: over x in [-1, 2],
/// |x| in [0, 2], min(x, 1) in [-1, 1], max(x, 1) in [1, 2]; `if x > 0 then 5 else 7` in [5, 7]).
#[test]
fn enclosures_join_the_pieces_of_an_undecided_condition() {
    use taylorgate::interval::{enclose, Interval};
    let x = Interval::new(&q(-1, 1), &q(2, 1), 64).unwrap();
    let box_ = [("x", x)];
    let cases = [
        ("abs(x)", (0, 2)),
        ("min(x, 1)", (-1, 1)),
        ("max(x, 1)", (1, 2)),
        ("if x > 0 then 5 else 7", (5, 7)),
    ];
    for (text, (lo, hi)) in cases {
        let v = enclose(&parsed(text), &box_, 64).unwrap();
        assert_eq!((v.lo(), v.hi()), (q(lo, 1), q(hi, 1)), "{text}");
    }
}

/// Interval Taylor arithmetic is a domain of the same evaluator: a piece is taken only where
/// its condition has a proved strict sign over the whole interval (hand: on [1, 2],
/// abs(x) = x has coefficients [x, 1, 0]; on [-1, 1] the kink of abs lies inside).
#[test]
fn interval_taylor_takes_a_piece_only_by_a_strict_sign() {
    use taylorgate::interval::{taylor_coefficients, Interval, IntervalError};
    let e = parsed("abs(x) + x^(1/2)");
    let right = Interval::new(&q(1, 1), &q(2, 1), 64).unwrap();
    let c = taylor_coefficients(&e, "x", &right, 1, 64).unwrap();
    // abs(x) + sqrt(x) on [1, 2]: c_0 in [2, 2 + sqrt 2], c_1 = 1 + 1/(2 sqrt x) in
    // [1.35, 1.5] (enclosed with some overestimation, but never 1 + 1/10 or 2).
    assert!(c[0].contains(&q(2, 1)) && c[0].contains(&q(34, 10)));
    assert!(c[1].contains(&q(15, 10)) && c[1].contains(&q(136, 100)));
    assert!(!c[1].contains(&q(11, 10)) && !c[1].contains(&q(2, 1)));
    let both = Interval::new(&q(-1, 1), &q(1, 1), 64).unwrap();
    let kink = taylor_coefficients(&parsed("abs(x)"), "x", &both, 1, 64);
    assert!(matches!(kink, Err(IntervalError::Unsupported(m)) if m.contains("abs")));
}

/// The impossibility proof of `gate` reads the pieces of a piecewise polynomial in a domain of
/// the evaluator (hand: max(x, 0) has the pieces x and 0; abs(2) + x is the polynomial x + 2,
/// its condition 2 >= 0 being a constant of proved sign; 1/x is not a polynomial).
#[test]
fn pieces_of_piecewise_polynomials() {
    use taylorgate::gate::{piece_degrees, polynomial_degree};
    assert_eq!(piece_degrees(&parsed("max(x, 0)"), "x"), Some(vec![1, 0]));
    assert_eq!(
        piece_degrees(&parsed("if x > 1 then x^3 - x^3 + x else abs(x)^2"), "x"),
        Some(vec![1, 2, 2])
    );
    assert_eq!(polynomial_degree(&parsed("abs(2) + x"), "x"), Some(1));
    assert_eq!(polynomial_degree(&parsed("1/x"), "x"), None);
    assert_eq!(polynomial_degree(&parsed("x^(1/2)"), "x"), None);
    assert_eq!(polynomial_degree(&parsed("exp(ln(x))"), "x"), None);
}

/// A node of the graph reads back as one built-in expression; a free name that is neither a
/// variable nor a definition is refused.
#[test]
fn scalar_expressions_name_unknown_variables() {
    use taylorgate::ir::{scalar_expr, LowerError};
    let defs = taylorgate::Definitions::new();
    let e = parsed("[1, 2] * [u, w]");
    assert_eq!(
        scalar_expr(&e, &defs, &["u".into(), "w".into()])
            .unwrap()
            .to_string(),
        "u + 2*w"
    );
    assert_eq!(
        scalar_expr(&e, &defs, &["u".into()]),
        Err(LowerError::UnknownName("w".into()))
    );
}

/// The place of a semantic error as printed: (`path:line:column` after `-->`, the text under
/// the carets), read back from the message.
fn caret(err: &str) -> (String, String) {
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("--> "))
        .unwrap_or_else(|| panic!("no place: {err}"));
    let place = lines[at].trim_start()["--> ".len()..].to_string();
    let source = lines[at + 2].split_once(" | ").expect("source line").1;
    let marks = lines[at + 3].split_once(" | ").expect("caret line").1;
    let from = marks.find('^').expect("a caret");
    let width = marks[from..].chars().take_while(|&c| c == '^').count();
    let under: String = source.chars().skip(from).take(width).collect();
    (place, under)
}

/// Semantic errors point at the node that failed, from the table filled while lowering (not
/// at a search of the text): expected places by hand.
#[test]
fn semantic_errors_point_at_the_node_that_failed() {
    let cases: [(&[&str], &str, &str); 10] = [
        // An unknown name, in every command (`sinx2` holds `sinx` but is not it).
        (&["diff", "sinx"], "1:1", "sinx"),
        (&["expand", "sinx2 + x*sinx"], "1:1", "sinx2"),
        // A derivative that fails, by name.
        (&["diff", "(x-x)^(-1)"], "1:1", "(x-x)^(-1)"),
        // `diff` at a point places the failure as `expand` does (the series is what fails).
        (&["diff", "sqrt(x)^2", "--at", "0"], "1:1", "sqrt(x)"),
        (&["diff", "x + 1/(x - 1)", "--at", "1"], "1:5", "1/(x - 1)"),
        // The branch point is ln(x - 1) at x = 1 (sqrt(x)^2 is analytic at 1).
        (
            &["expand", "sqrt(x)^2 + ln(x - 1)", "--at", "1"],
            "1:13",
            "ln(x - 1)",
        ),
        // The pole at 1 is in the second quotient.
        (&["expand", "1/x + 1/(x-1)", "--at", "1"], "1:7", "1/(x-1)"),
        // The first constant without a value is ln(1 - 2); a search of the text for the
        // `ln(-1)` of the message found the second summand.
        (&["expand", "ln(1 - 2) + ln(-1)*x"], "1:1", "ln(1 - 2)"),
        // Spaces inside the call.
        (&["expand", "tanh(x) + ln( -1)"], "1:11", "ln( -1)"),
        (&["expand", "x + ln(-1)"], "1:5", "ln(-1)"),
    ];
    for (args, place, under) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(caret(&err), (place.to_string(), under.to_string()), "{err}");
    }
    // Inside a definition read from a file: the span in the body, with the file and its line,
    // although the same call `ln(...)` is also written at the command line.
    let file = temp_file(
        "spans.tg",
        "f(t) = ln(t - 1)\n# a comment\nc = ln(1 - 3)\ng(t) = 1/t\n",
    );
    let path = file.to_str().unwrap();
    for (expr, place, under) in [
        ("f(x) + ln(x)", format!("{path}:1:8"), "ln(t - 1)"),
        ("x + c", format!("{path}:3:5"), "ln(1 - 3)"),
        ("g(x - 1) + 1/x", format!("{path}:4:8"), "1/t"),
        ("f", format!("{path}:1:8"), "ln(t - 1)"),
    ] {
        let (code, _, err) = run(&["expand", expr, "--file", path, "--at", "1"]);
        assert_eq!(code, 2, "{expr}: {err}");
        assert_eq!(caret(&err), (place, under.to_string()), "{expr}: {err}");
    }
    // The JSON error object keeps its keys: kind, message, line, column.
    let (code, out, _) = run(&[
        "expand",
        "sqrt(x)^2 + ln(x - 1)",
        "--at",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "math");
    assert_eq!(
        (v["error"]["line"].as_u64(), v["error"]["column"].as_u64()),
        (Some(1), Some(13))
    );
    let _ = std::fs::remove_file(file);
}

/// The origin table of the parser follows the tree: every node's span, in post-order.
#[test]
fn origins_follow_the_tree() {
    let (e, origin) = taylorgate::parse::parse_expr_located(
        "(a + b)*c - min(x, 2)",
        &taylorgate::Definitions::new(),
    )
    .unwrap();
    assert_eq!(e.to_string(), "(a + b)*c - min(x, 2)");
    let text = &origin.source.text;
    let span = |i: usize| {
        let (s, e) = origin.span(i).unwrap();
        &text[s..e]
    };
    let root = origin.root().unwrap();
    assert_eq!(span(root), "(a + b)*c - min(x, 2)");
    let [prod, call] = origin.children(root, 2).unwrap()[..] else {
        panic!()
    };
    assert_eq!(span(prod), "(a + b)*c");
    assert_eq!(span(call), "min(x, 2)");
    let [sum, c] = origin.children(prod, 2).unwrap()[..] else {
        panic!()
    };
    assert_eq!((span(sum), span(c)), ("a + b", "c"));
    let args: Vec<&str> = origin
        .children(call, 2)
        .unwrap()
        .into_iter()
        .map(span)
        .collect();
    assert_eq!(args, ["x", "2"]);
}
