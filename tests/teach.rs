//! The derivations and plots of `teach`: the exact values inside the LaTeX and Markdown
//! equal those of the JSON output (read back by a small LaTeX reader written here, then the
//! language's parser), and the plotted data agrees with an independent f64 evaluation.

use num_rational::BigRational;
use serde_json::Value;
use taylorgate::gate::{analyze, GateOptions};
use taylorgate::parse::parse_expr;
use taylorgate::teach::plot;
use taylorgate::{Const, Definitions};

mod common;

fn run(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn konst(text: &str) -> Const {
    let defs = Definitions::new();
    let e = parse_expr(text, &defs).unwrap_or_else(|e| panic!("`{text}`: {e}"));
    Const::from_expr(&e).unwrap_or_else(|e| panic!("`{text}`: {e}"))
}

fn equal(a: &Const, b: &Const) -> bool {
    (a - b).is_zero()
}

// ------------------------------------------------------------- a small LaTeX reader

/// Reads the argument `{...}` starting at `chars[*i] == '{'`.
fn group(chars: &[char], i: &mut usize) -> String {
    assert_eq!(chars.get(*i), Some(&'{'), "a group at {}", *i);
    let mut depth = 0;
    let start = *i + 1;
    while *i < chars.len() {
        match chars[*i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    *i += 1;
                    return chars[start..*i - 1].iter().collect();
                }
            }
            _ => {}
        }
        *i += 1;
    }
    panic!("unbalanced braces")
}

/// LaTeX of an exact constant -> the language's syntax (`\frac{a}{b}` -> `(a)/(b)`, implicit
/// products made explicit).
fn latex_to_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            match name.as_str() {
                "" => {
                    // `\,` and friends: spacing.
                    i += 1;
                    out.push(' ');
                }
                "frac" => {
                    let a = group(&chars, &mut i);
                    let b = group(&chars, &mut i);
                    out.push_str(&format!(
                        " (({})/({})) ",
                        latex_to_text(&a),
                        latex_to_text(&b)
                    ));
                }
                "sqrt" => {
                    let a = group(&chars, &mut i);
                    out.push_str(&format!(" sqrt({}) ", latex_to_text(&a)));
                }
                "left" | "right" | "bigl" | "bigr" | "Bigl" | "Bigr" => {}
                "cdot" => out.push('*'),
                "pi" => out.push_str(" pi "),
                "operatorname" => {
                    let a = group(&chars, &mut i);
                    out.push_str(&format!(" {a}"));
                }
                "ln" | "tanh" | "cosh" | "sinh" | "exp" | "sin" | "cos" | "tan" | "arctan" => {
                    let f = if name == "arctan" {
                        "atan"
                    } else {
                        name.as_str()
                    };
                    while i < chars.len() && chars[i] == ' ' {
                        i += 1;
                    }
                    // `\ln 2`: the argument is the number that follows.
                    if i < chars.len() && chars[i].is_ascii_digit() {
                        let st = i;
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                        let num: String = chars[st..i].iter().collect();
                        out.push_str(&format!(" {f}({num}) "));
                    } else {
                        out.push_str(&format!(" {f}"));
                    }
                }
                other => panic!("unknown LaTeX command \\{other} in `{s}`"),
            }
            continue;
        }
        match c {
            '^' => {
                i += 1;
                let a = if chars[i] == '{' {
                    group(&chars, &mut i)
                } else {
                    i += 1;
                    chars[i - 1].to_string()
                };
                out.push_str(&format!("^({})", latex_to_text(&a)));
                continue;
            }
            'e' if chars.get(i + 1) == Some(&'^') => {
                i += 2;
                let a = group(&chars, &mut i);
                out.push_str(&format!(" exp({}) ", latex_to_text(&a)));
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    explicit_products(&out)
}

/// Inserts `*` between juxtaposed operands: `2 sqrt(2)`, `(a)(b)`, `pi exp(x)`.
fn explicit_products(s: &str) -> String {
    #[derive(PartialEq, Clone, Copy)]
    enum K {
        Operand,
        Func,
        Open,
        Other,
    }
    let mut toks: Vec<(K, String)> = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let st = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            toks.push((K::Operand, chars[st..i].iter().collect()));
        } else if c.is_ascii_alphabetic() {
            let st = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let w: String = chars[st..i].iter().collect();
            let k = if matches!(w.as_str(), "pi" | "e") {
                K::Operand
            } else {
                K::Func
            };
            toks.push((k, w));
        } else if c == '(' {
            toks.push((K::Open, "(".into()));
            i += 1;
        } else if c == ')' {
            toks.push((K::Operand, ")".into()));
            i += 1;
        } else {
            toks.push((K::Other, c.to_string()));
            i += 1;
        }
    }
    let mut out = String::new();
    for (j, (k, t)) in toks.iter().enumerate() {
        if j > 0 {
            let prev = toks[j - 1].0;
            if prev == K::Operand && matches!(k, K::Operand | K::Func | K::Open) && t != ")" {
                out.push('*');
            }
        }
        out.push_str(t);
    }
    out
}

/// The logical rows `(lhs, rhs)` of every displayed equation (continuation lines joined).
fn display_rows(doc: &str) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        let l = line.trim();
        if l.starts_with(r"\begin{align*}") || l.starts_with(r"\begin{aligned}") {
            inside = true;
            continue;
        }
        if l.starts_with(r"\end{align*}") || l.starts_with(r"\end{aligned}") {
            inside = false;
            continue;
        }
        if !inside {
            continue;
        }
        let l = l.trim_end_matches(r"\\").trim();
        if let Some(rest) = l.strip_prefix(r"&\quad") {
            if let Some(last) = rows.last_mut() {
                last.1.push(' ');
                last.1.push_str(rest.trim());
            }
        } else if let Some((lhs, rhs)) = l.split_once('&') {
            let rhs = rhs.trim_start_matches('=').trim();
            rows.push((lhs.trim().to_string(), rhs.to_string()));
        }
    }
    rows
}

/// Splits a sum at its top-level `+` and `-` (outside braces and brackets).
fn top_level_terms(s: &str) -> Vec<(bool, String)> {
    let mut terms = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut negative = false;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..].iter().take(6).collect();
        if rest.starts_with(r"\left(") || rest.starts_with(r"\bigl(") {
            depth += 1;
        }
        if rest.starts_with(r"\right") || rest.starts_with(r"\bigr)") {
            depth -= 1;
        }
        let c = chars[i];
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 && (c == '+' || c == '-') && (cur.trim().is_empty() || cur.ends_with(' ')) {
            if !cur.trim().is_empty() {
                terms.push((negative, cur.trim().to_string()));
            }
            cur.clear();
            negative = c == '-';
            i += 1;
            continue;
        }
        cur.push(c);
        i += 1;
    }
    if !cur.trim().is_empty() {
        terms.push((negative, cur.trim().to_string()));
    }
    terms
}

/// A term `coef\, u^{3} v` -> (exponents, coefficient), for the inputs `names`.
fn read_term(negative: bool, t: &str, names: &[&str]) -> (Vec<i32>, Const) {
    let (coef, mono) = match t.rsplit_once(r"\, ") {
        Some((c, m)) => (Some(c), m),
        None => (None, t),
    };
    let mut powers = vec![0; names.len()];
    for factor in mono.split_whitespace() {
        let (v, e) = match factor.split_once("^{") {
            Some((v, e)) => (
                v,
                e.trim_end_matches('}').parse::<i32>().expect("an exponent"),
            ),
            None => (factor, 1),
        };
        let idx = names
            .iter()
            .position(|n| *n == v)
            .unwrap_or_else(|| panic!("`{v}` is not an input in `{t}`"));
        powers[idx] += e;
    }
    let c = coef
        .map(|c| konst(&latex_to_text(c)))
        .unwrap_or_else(Const::one);
    (powers, if negative { -c } else { c })
}

/// Checks the expansion, the bias, sigma^(n)(b) and the output weights of a LaTeX or
/// Markdown derivation against the JSON of the same gate.
fn check_values(doc: &str, json: &Value, names: &[&str]) {
    let rows = display_rows(doc);
    let product = names.join(" ");
    let f = format!("f({})", names.join(", "));
    let (_, rhs) = rows
        .iter()
        .find(|(l, r)| *l == f && r.starts_with(&product))
        .unwrap_or_else(|| panic!("no result row in\n{doc}"));
    let mut found = Vec::new();
    for (neg, t) in top_level_terms(rhs) {
        if t.starts_with('O') {
            continue;
        }
        found.push(read_term(neg, &t, names));
    }
    let expected: Vec<(Vec<i32>, Const)> = json["expansion"]
        .as_array()
        .expect("expansion")
        .iter()
        .map(|t| {
            let powers = t["powers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_i64().unwrap() as i32)
                .collect();
            (powers, konst(t["coefficient"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(found.len(), expected.len(), "terms of {rhs}");
    for (p, c) in &expected {
        let (_, got) = found
            .iter()
            .find(|(q, _)| q == p)
            .unwrap_or_else(|| panic!("no term {p:?} in {rhs}"));
        assert!(equal(got, c), "term {p:?}: {got} != {c}");
    }
    let (_, b) = rows.iter().find(|(l, _)| l == "b").expect("the bias row");
    assert!(equal(
        &konst(&latex_to_text(b)),
        &konst(json["bias"].as_str().unwrap())
    ));
    // sigma^(n)(b) = n! c_n = VALUE, inline.
    let n = names.len();
    let marker = format!("c_{{{n}}} = ");
    let start = doc.find(&marker).expect("sigma^(n)(b)") + marker.len();
    let end = start + doc[start..].find('$').expect("end of the inline math");
    let dn = konst(&latex_to_text(&doc[start..end]));
    assert!(equal(
        &dn,
        &konst(json["derivative_at_bias"].as_str().unwrap())
    ));
    // The weights: 1/(2^n sigma^(n)(b)) = VALUE is A2 of the first neuron.
    if n <= 3 {
        let (_, a2) = rows.iter().find(|(l, _)| l == "A_2").expect("the A2 row");
        let marker = r"\sigma^{(n)}(b)} = ";
        let v = &a2[a2.find(marker).expect("the weight scale") + marker.len()..];
        let scale = konst(&latex_to_text(v));
        assert!(equal(&scale, &konst(json["A2"][0].as_str().unwrap())));
    }
}

fn markdown_math(md: &str) -> String {
    // The display blocks are already `\begin{aligned}` rows; inline math stays as it is.
    md.to_string()
}

#[test]
fn latex_and_markdown_values_equal_the_json() {
    let cases: [(&str, &[&str], &[&str]); 7] = [
        ("softplus", &[], &["u", "v"]),
        ("gelu", &[], &["u", "v"]),
        ("mish", &[], &["u", "v"]),
        ("exp(-x^2)", &[], &["u", "v"]),
        ("sigmoid", &["--bias", "ln(3)"], &["u", "v"]),
        ("x^2", &[], &["u", "v"]),
        ("tanh", &["--inputs", "3"], &["u", "v", "w"]),
    ];
    for (act, extra, names) in cases {
        let with = |format: &str, lang: &str| {
            let mut a = vec!["gate", act, "--format", format, "--lang", lang];
            a.extend_from_slice(extra);
            run(&a)
        };
        let json = common::json(&with("json", "en"));
        for lang in ["en", "pt"] {
            check_values(&with("latex", lang), &json, names);
            check_values(&markdown_math(&with("markdown", lang)), &json, names);
        }
    }
}

#[test]
fn the_reader_reads_the_three_bad_examples() {
    // exp(-(ln 2)^2), -8943 sqrt(2)/..., nested fractions: the LaTeX reads back to the value.
    for text in [
        "exp(-(ln(2))^2)",
        "-8943*sqrt(2)/7",
        "1/(2 + 1/(3 + ln(2)))",
    ] {
        let c = konst(text);
        let back = konst(&latex_to_text(&c.to_latex()));
        assert!(
            equal(&c, &back),
            "{text}: {} reads back as {back}",
            c.to_latex()
        );
    }
}

#[test]
fn exact_gates_have_no_remainder() {
    let out = run(&["gate", "x^2", "--format", "latex"]);
    assert!(!out.contains("O\\left(|x|"), "{out}");
    assert!(!out.contains("|x|_\\infty^{3}"), "{out}");
    let out = run(&["gate", "x^2"]);
    assert!(out.contains("exact"), "{out}");
    assert!(!out.contains("O(|x|"), "{out}");
}

#[test]
fn the_remainder_order_is_sharp() {
    // Truncated at degree 6, two inputs: the terms of degree 7 cancel, so O(|x|^8).
    let out = run(&["gate", "softplus", "--degree", "6"]);
    assert!(out.contains("O(|x|^8)"), "{out}");
    assert!(!out.contains("O(|x|^7)"), "{out}");
}

// ---------------------------------------------------------------------------- plots

fn softplus(t: f64) -> f64 {
    // ln(1 + e^t), stably.
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

fn softplus_gate_error(lambda: f64, u: f64, v: f64) -> f64 {
    // sigma''(0) = 1/4: f = [g(u+v) + g(-u-v) - g(u-v) - g(v-u)] / (4 * 1/4).
    let g = |t: f64| softplus(lambda * t);
    (g(u + v) + g(-u - v) - g(u - v) - g(v - u)) / (lambda * lambda) - u * v
}

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

#[test]
fn error_curve_agrees_with_an_independent_evaluation() {
    let defs = Definitions::new();
    let sp = parse_expr("ln(1 + exp(x))", &defs).unwrap();
    let report = analyze(&sp, &GateOptions::default()).unwrap();
    let grid = 11;
    let curve = plot::error_curve(&report, &q(1, 1), 9, grid).unwrap();
    for (k, lambda) in curve.lambdas.iter().enumerate() {
        let l = 0.5f64.powi(k as i32);
        assert_eq!(*lambda, q(1, 1 << k));
        let mut worst = 0.0f64;
        for i in 0..grid {
            for j in 0..grid {
                let u = -1.0 + 2.0 * i as f64 / (grid - 1) as f64;
                let v = -1.0 + 2.0 * j as f64 / (grid - 1) as f64;
                worst = worst.max(softplus_gate_error(l, u, v).abs());
            }
        }
        let rel = (curve.measured[k] - worst).abs() / worst;
        assert!(rel < 1e-4, "lambda = {l}: {} vs {worst}", curve.measured[k]);
        let bound = curve.bound[k].expect("a rigorous bound");
        assert!(
            bound >= curve.measured[k],
            "lambda = {l}: bound {bound} below the error"
        );
    }
    let slope = curve.final_slope().unwrap();
    assert!((slope - 2.0).abs() < 0.02, "slope {slope}");
    // The leading term: 1/12 * 2 * lambda^2 at the corners.
    let last = curve.measured.last().unwrap();
    let l = 0.5f64.powi(8);
    assert!((last / (l * l / 6.0) - 1.0).abs() < 1e-3);

    let svg = curve.svg(taylorgate::teach::Lang::Pt);
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(svg.contains("escala"), "Portuguese labels");
    let csv = curve.csv();
    assert_eq!(csv.lines().count(), 10);
}

#[test]
fn heat_map_and_taylor_plot_agree_with_f64() {
    let defs = Definitions::new();
    let sp = parse_expr("ln(1 + exp(x))", &defs).unwrap();
    let report = analyze(&sp, &GateOptions::default()).unwrap();
    let h = plot::heat_map(&report, &q(1, 2), &q(1, 1), 9).unwrap();
    for (j, row) in h.values.iter().enumerate() {
        for (i, e) in row.iter().enumerate() {
            let u = -1.0 + 2.0 * i as f64 / 8.0;
            let v = -1.0 + 2.0 * j as f64 / 8.0;
            assert!(
                (e - softplus_gate_error(0.5, u, v)).abs() < 1e-12,
                "({u}, {v})"
            );
        }
    }
    roxmltree::Document::parse(&h.svg(taylorgate::teach::Lang::En)).expect("well-formed SVG");

    let tanh = parse_expr("tanh(x)", &defs).unwrap();
    let series = taylorgate::series::taylor(&tanh, "x", &Const::zero(), 7).unwrap();
    let t = plot::taylor_plot(
        &tanh,
        "x",
        &Const::zero(),
        series.coefficients(),
        &[1, 3, 5, 7],
        &q(3, 2),
        31,
    )
    .unwrap();
    for (i, x) in t.xs.iter().enumerate() {
        assert!((t.function[i].unwrap() - x.tanh()).abs() < 1e-12);
        let p3 = x - x.powi(3) / 3.0;
        assert!((t.polynomials[1].1[i] - p3).abs() < 1e-12);
    }
    roxmltree::Document::parse(&t.svg(taylorgate::teach::Lang::En)).expect("well-formed SVG");
}

#[test]
fn plot_command_writes_svg_png_and_csv() {
    let dir = std::env::temp_dir().join(format!("tg-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("err.png");
    run(&[
        "plot",
        "error",
        "softplus",
        "--scales",
        "4",
        "--grid",
        "5",
        "--png",
        "-o",
        png.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let csv = run(&["plot", "heat", "softplus", "--grid", "5", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 26);
    let svg = run(&["plot", "taylor", "sin(x)", "--order", "5"]);
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let svg_path = dir.join("gate.svg");
    run(&["gate", "softplus", "--plot", svg_path.to_str().unwrap()]);
    roxmltree::Document::parse(&std::fs::read_to_string(&svg_path).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn portuguese_derivations_have_no_english_words() {
    // Words of English that Portuguese never uses (so no false alarm from "seja qual for").
    const ENGLISH: [&str; 10] = [
        "the",
        "with",
        "if",
        "is",
        "otherwise",
        "where",
        "and",
        "of",
        "which",
        "order",
    ];
    for act in [
        "softplus", "tanh", "gelu", "x^3", "exp(x)", "relu", "abs(x)",
    ] {
        for format in ["text", "markdown", "latex"] {
            let out = run(&["gate", act, "--lang", "pt", "--format", format]);
            let english: Vec<&str> = out
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
                .collect();
            assert!(
                english.is_empty(),
                "gate {act} --lang pt --format {format}: English words {english:?} in\n{out}"
            );
        }
    }
}

#[test]
fn the_slides_note_claims_no_unproved_non_zero_term() {
    // sin(1)^2 + cos(1)^2 - 1 is zero but not structurally: R(u, -u) must not be said to be
    // non-zero, and no placeholder may stand for the undecided order.
    let act = "x^2 + (sin(1)^2+cos(1)^2-1)*x^4";
    for lang in ["en", "pt"] {
        let out = run(&["gate", act, "--lang", lang]);
        let flowed = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!flowed.contains("R(u, -u) ="), "{out}");
        assert!(!out.contains('?'), "{out}");
        assert!(out.contains("O((u+v)^3)"), "{out}");
    }
    // softplus: R(u, -u) = -c_4 2^4 / (2 sigma''(0)) u^4 = (1/192) 16 / (1/2) u^4 = u^4/6.
    let out = run(&["gate", "softplus"]);
    let flowed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flowed.contains("R(u, -u) = 1/6*u^4 + O(u^6)"), "{out}");
}
