//! Printed results parse back to the values they print.
//!
//! For every case of the independent reference file (`tests/data/activations.json`), the text
//! and LaTeX outputs of `expand`, `diff` and `gate` are read back (text: by the language's own
//! parser; LaTeX: by the small test-only reader below, which knows only the LaTeX subset the
//! printer emits) and compared with the exact values of the JSON output of the same command.
//! A sign error anywhere in a printer makes these tests fail. The regression table pins the
//! bugs the single printer fixed.

use proptest::prelude::*;
use serde_json::Value;

mod common;
use common::latex;
use taylorgate::commands::{self, Outcome};
use taylorgate::diff::inline_definitions;
use taylorgate::parse::parse_expr;
use taylorgate::print::{self, Format};
use taylorgate::series::taylor;
use taylorgate::{Const, Expr, ZeroTest};

fn reference() -> Value {
    serde_json::from_str(include_str!("data/activations.json")).expect("reference JSON")
}

fn cases() -> Vec<(String, String, String)> {
    reference()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["expr"].as_str().unwrap().to_string(),
                c["point"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Text in the language as an expression (library definitions inlined).
fn read_text(text: &str) -> Expr {
    let defs = taylorgate::library::definitions();
    let e = parse_expr(text, &defs).unwrap_or_else(|e| panic!("`{text}` does not parse:\n{e}"));
    inline_definitions(&e, &defs).expect("inlines")
}

fn value(text: &str) -> Const {
    Const::from_expr(&read_text(text)).unwrap_or_else(|e| panic!("`{text}`: {e}"))
}

fn same(a: &Const, b: &Const) -> bool {
    (a - b).zero_test() == ZeroTest::Zero
}

/// The series of `expand --format latex`: the right-hand side of its first displayed
/// equation, continued over its broken lines (`\\` then `&\quad`), with the names `K_{j}`
/// of its long constants replaced by the definitions the document prints.
fn latex_series(doc: &str) -> String {
    let mut lines = doc.lines().skip_while(|l| !l.contains("&= "));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no displayed equation in {doc}"));
    let mut out = first.split_once("&= ").unwrap().1.to_string();
    for l in lines.take_while(|l| !l.starts_with(r"\end{")) {
        out.push(' ');
        out.push_str(l.trim_start_matches("&").trim_start_matches(r"\quad"));
    }
    let out = out.replace(r"\\", " ");
    latex::resolve(out.trim(), &latex::names(doc))
}

/// The series of an `expand --format latex` document read back into the language (its
/// order term left out).
fn latex_sum(doc: &str) -> String {
    let sum = read_latex(before_order(&latex_series(doc), r"O\left("));
    if sum.is_empty() {
        "0".to_string()
    } else {
        sum
    }
}

/// The sum before ` + O(...)` (the order term is not part of the language).
fn before_order<'a>(s: &'a str, order: &str) -> &'a str {
    match s.find(order) {
        Some(i) => s[..i].trim_end().trim_end_matches(" +"),
        None => s,
    }
}

/// The Taylor coefficients 0..=n at `point` of a printed sum, read back.
fn coefficients_of(sum: &Expr, point: &Const, n: usize) -> Vec<Const> {
    coefficients_in(sum, "x", point, n)
}

fn coefficients_in(sum: &Expr, var: &str, point: &Const, n: usize) -> Vec<Const> {
    taylor(sum, var, point, n)
        .unwrap_or_else(|e| panic!("printed `{sum}` does not expand: {e}"))
        .coefficients()
        .to_vec()
}

fn run_expand(expr: &str, at: &str, order: usize, format: commands::expand::Format) -> Outcome {
    commands::expand::run(&commands::expand::ExpandArgs {
        at: at.to_string(),
        order,
        format,
        ..commands::expand::ExpandArgs::new(expr)
    })
    .unwrap_or_else(|e| panic!("expand {expr}: {e}"))
}

fn json(o: &Outcome) -> Value {
    common::json(&o.output)
}

/// Checks that the text and LaTeX of `expand` read back to the JSON coefficients.
fn check_expand(expr: &str, at: &str, order: usize) {
    use commands::expand::Format as F;
    let j = json(&run_expand(expr, at, order, F::Json));
    let want: Vec<Const> = j["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| value(c.as_str().unwrap()))
        .collect();
    let point = value(j["point"].as_str().unwrap());
    let text = run_expand(expr, at, order, F::Text).output;
    let line = text.lines().next().unwrap();
    let latex = run_expand(expr, at, order, F::Latex).output;
    for (what, sum) in [
        ("text", before_order(line, "O(").to_string()),
        ("LaTeX", latex_sum(&latex)),
    ] {
        let got = coefficients_of(&read_text(&sum), &point, order);
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                same(g, w),
                "expand {expr} --at {at}: {what} `{sum}` gives c_{k} = {g}, JSON {w}"
            );
        }
    }
}

#[test]
fn expand_parses_back_on_every_reference_case() {
    let n = reference()["order"].as_u64().unwrap() as usize;
    for (_, expr, point) in cases() {
        check_expand(&expr, &point, n);
    }
}

/// A coefficient that is a sum is a bracketed factor in LaTeX: `e - 3` times `x` is
/// `(e - 3) x`, never `e - 3 x` (the old test of a sum read the `-` after `e` as the exponent
/// of a decimal such as `1e-3`).
#[test]
fn a_sum_coefficient_is_bracketed_in_latex() {
    check_expand("(e - 3)*x + (pi - 1)*x^2", "0", 3);
    check_expand("exp(x) - 3", "1", 2);
    check_expand("(1 - e)*x^3", "0", 4);
}

/// The bugs of the old string-editing printers: each prints the truth now.
#[test]
fn regressions_print_the_truth() {
    use commands::expand::Format as F;
    let table = [
        ("cos(1) - sin(1)", "0", 0, "cos(1) - sin(1) + O(x)"),
        ("exp(x) - 3", "1", 1, "e - 3 + e*(x - 1) + O((x - 1)^2)"),
        ("1-e", "0", 0, "1 - e + O(x)"),
        ("1 - cos(2)*x", "0", 1, "1 - cos(2)*x + O(x^2)"),
        ("x", "-1", 1, "-1 + (x + 1) + O((x + 1)^2)"),
    ];
    for (expr, at, order, want) in table {
        let got = run_expand(expr, at, order, F::Text).output;
        assert_eq!(got.lines().next().unwrap(), want, "expand {expr} --at {at}");
        check_expand(expr, at, order);
    }
    let latex = print::series(
        &[&Const::e() - &Const::from_int(3), Const::e()],
        "x",
        &Const::one(),
    )
    .render(Format::Latex);
    assert!(
        latex.starts_with(r"e - 3 + e \cdot \left(x - 1\right)"),
        "{latex}"
    );
    let latex = run_expand("exp(-(ln(2))^2)", "0", 0, F::Latex).output;
    assert!(
        latex_series(&latex).starts_with(r"e^{-\left(\ln 2\right)^{2}}"),
        "{latex}"
    );
    for (expr, at, order) in [
        ("cos(1) - sin(1)", "0", 0),
        ("exp(x) - 3", "1", 3),
        ("1 - e", "0", 0),
        ("exp(-(ln(2))^2)", "0", 0),
        ("gelu(x)", "1", 3),
        ("tanh(x)", "ln(2)", 4),
        ("1/(1 + exp(x))", "-ln(3)/2", 3),
        ("atanh(x)", "1/3", 3),
        ("ln(1 + x)/(x + 2)", "1/2", 3),
    ] {
        check_expand(expr, at, order);
    }
}

/// A long coefficient is printed as a name `K_{j}` defined after the display: the reader
/// substitutes the printed definitions, so the values compared are the ones the document
/// states. A missing definition, or a wrong one, fails the check.
#[test]
fn long_coefficients_are_read_through_their_printed_names() {
    use commands::expand::Format as F;
    let (expr, at, order) = ("tanh(x)", "1", 10);
    check_expand(expr, at, order);
    let doc = run_expand(expr, at, order, F::Latex).output;
    let row = |name: &str| {
        doc.lines()
            .find(|l| l.starts_with(&format!("{name} &= ")))
            .unwrap_or_else(|| panic!("no definition of {name} in\n{doc}"))
    };
    let k3 = row("K_{3}");
    assert!(doc.contains(r"\frac{K_{3}}{"), "K_3 is not used in\n{doc}");
    // A definition left out: the names cannot be read.
    let missing = doc.replace(&format!("{k3}\n"), "");
    let read = std::panic::catch_unwind(|| latex_sum(&missing));
    assert!(read.is_err(), "read without the definition of K_3");
    // A wrong definition (one coefficient changed): c_8 = K_3 / ... reads to another value.
    let j = json(&run_expand(expr, at, order, F::Json));
    let want = value(j["coefficients"][8].as_str().unwrap());
    let point = value(j["point"].as_str().unwrap());
    let coefficient_8 =
        |doc: &str| coefficients_of(&read_text(&latex_sum(doc)), &point, order)[8].clone();
    assert!(same(&coefficient_8(&doc), &want));
    assert!(k3.contains("988 e^{14}"), "{k3}");
    let wrong = doc.replace(k3, &k3.replace("988 e^{14}", "989 e^{14}"));
    assert!(
        !same(&coefficient_8(&wrong), &want),
        "a wrong K_3 read as the JSON value"
    );
}

/// No printed fraction holds another fraction, and no `\left(-` opens a product.
#[test]
fn latex_fractions_do_not_nest() {
    use commands::expand::Format as F;
    for (expr, at) in [
        ("gelu(x)", "0"),
        ("gelu(x)", "1"),
        ("tanh(x)", "1"),
        ("ln(1 + x)/(x + 2)", "1/2"),
        ("erf(x)", "ln(2)"),
    ] {
        let out = run_expand(expr, at, 4, F::Latex).output;
        for (i, _) in out.match_indices(r"\frac{") {
            let body = frac_body(&out[i + 5..]);
            assert!(!body.contains(r"\frac"), "nested fraction in {out}");
        }
        assert!(!out.contains(r"\left(-"), "{out}");
        assert!(!out.contains(r"\sqrt2"), "{out}");
    }
}

/// The two brace groups `{..}{..}` at the start of `s`.
fn frac_body(s: &str) -> &str {
    let mut depth = 0;
    let mut groups = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    groups += 1;
                    if groups == 2 {
                        return &s[..=i];
                    }
                }
            }
            _ => {}
        }
    }
    s
}

fn run_diff(expr: &str, at: &str, format: commands::diff::Format) -> Outcome {
    commands::diff::run(&commands::diff::DiffArgs {
        order: 3,
        at: Some(at.to_string()),
        format,
        ..commands::diff::DiffArgs::new(expr)
    })
    .unwrap_or_else(|e| panic!("diff {expr}: {e}"))
}

#[test]
fn diff_parses_back_on_every_reference_case() {
    use commands::diff::Format as F;
    for (name, expr, point) in cases() {
        if name == "elu_left" {
            // `diff` does not differentiate through an `if` at its switching point; -1 is fine
        }
        let j = json(&run_diff(&expr, &point, F::Json));
        let values: Vec<Const> = j["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| value(v.as_str().unwrap()))
            .collect();
        let at = value(&point);
        let text = run_diff(&expr, &point, F::Text).output;
        let mut derivatives = 0;
        let mut points = 0;
        for line in text.lines() {
            let (lhs, rhs) = line.split_once(" = ").expect("`f'(x) = ...` lines");
            let k = lhs.matches('\'').count().max(
                lhs.strip_prefix("f^(")
                    .and_then(|r| r.split(')').next())
                    .and_then(|k| k.parse().ok())
                    .unwrap_or(0),
            );
            if lhs.ends_with("(x)") {
                // the printed derivative, evaluated at the point, is the JSON value
                let d = read_text(rhs);
                let v = taylorgate::diff::evaluate(&d, "x", &at)
                    .unwrap_or_else(|e| panic!("{name}: `{rhs}`: {e}"));
                assert!(same(&v, &values[k - 1]), "{name}: {line}");
                derivatives += 1;
            } else {
                assert!(same(&value(rhs), &values[k - 1]), "{name}: {line}");
                points += 1;
            }
        }
        assert_eq!((derivatives, points), (3, 3), "{name}: {text}");
    }
}

fn run_gate(expr: &str, format: commands::gate::GateFormat) -> Outcome {
    commands::gate::run(&commands::gate::GateArgs {
        format,
        ..commands::gate::GateArgs::new(expr)
    })
    .unwrap_or_else(|e| panic!("gate {expr}: {e}"))
}

/// `p` at the points of a 9 x 9 grid: two polynomials of degree < 9 in each of `u, v` that
/// agree there are equal.
fn agree_on_grid(a: &Expr, b: &Expr) -> bool {
    (0..9).all(|i| {
        (0..9).all(|j| {
            let at = [
                ("u", Const::from_int(i - 4)),
                ("v", Const::from_int(2 * j - 7)),
            ];
            let x = Const::from_expr_with(a, &at).expect("evaluates");
            let y = Const::from_expr_with(b, &at).expect("evaluates");
            same(&x, &y)
        })
    })
}

#[test]
fn gate_parses_back_on_every_reference_case() {
    use commands::gate::GateFormat as F;
    for (name, expr, _) in cases() {
        let j = json(&run_gate(&expr, F::Json));
        if !j["admits"].as_bool().unwrap() {
            continue;
        }
        let text = run_gate(&expr, F::Text).output;
        // the displayed lines of the derivation, alignment spaces before `=` collapsed
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                let l = l.trim();
                match l.split_once(" = ") {
                    Some((a, b)) => format!("{} = {b}", a.trim_end()),
                    None => l.to_string(),
                }
            })
            .collect();
        let field = |prefix: &str| -> String {
            lines
                .iter()
                .filter(|l| !l.contains('[') && !l.contains("Σ"))
                .find_map(|l| l.strip_prefix(prefix))
                .unwrap_or_else(|| panic!("{name}: no `{prefix}` in\n{text}"))
                .to_string()
        };
        let b = value(j["bias"].as_str().unwrap());
        assert!(same(&value(&field("b = ")), &b), "{name}");
        let dn = field("In particular σ''(b) = 2! c_2 = ");
        let dn = dn.split(" ≠").next().unwrap();
        assert!(
            same(
                &value(dn),
                &value(j["derivative_at_bias"].as_str().unwrap())
            ),
            "{name}"
        );
        // `A2 = 1/(2^2 σ''(b)) (1, 1, -1, -1) with 1/(2^n σ^(n)(b)) = 1/4`: the signs and the
        // printed scale, whose products must be the JSON weights
        let a2 = field("A2 = ");
        let (signs, scale) = a2
            .split_once(" with ")
            .unwrap_or_else(|| panic!("{name}: A2 line {a2}"));
        let scale = value(scale.rsplit(" = ").next().unwrap());
        let signs = signs[signs.rfind('(').unwrap() + 1..].trim_end_matches(')');
        let want: Vec<&str> = j["A2"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let signs: Vec<&str> = signs.split(", ").collect();
        assert_eq!(signs.len(), want.len(), "{name}: {a2}");
        for (got, want) in signs.iter().zip(&want) {
            let got = &value(got) * &scale;
            assert!(same(&got, &value(want)), "{name}: A2 {got} vs {want}");
        }
        // the printed series of sigma at b, against `expand` at b
        let series = field("σ(b + t) = ");
        let series = before_order(&series, "O(");
        let n = j["degree"].as_u64().unwrap() as usize;
        let got = coefficients_in(&read_text(series), "t", &Const::zero(), n);
        let e = json(&run_expand(
            &expr,
            &b.to_string(),
            n,
            commands::expand::Format::Json,
        ));
        for (k, (g, w)) in got
            .iter()
            .zip(e["coefficients"].as_array().unwrap())
            .enumerate()
        {
            assert!(same(g, &value(w.as_str().unwrap())), "{name}: c_{k}");
        }
        // the printed expansion, against the JSON terms
        let poly = lines
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("f(u, v) = ").filter(|p| !p.contains('σ')))
            .unwrap_or_else(|| panic!("{name}: no expansion in\n{text}"));
        let poly = read_text(before_order(poly, "O("));
        let terms: Vec<String> = j["expansion"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let p = t["powers"].as_array().unwrap();
                format!(
                    "({})*u^{}*v^{}",
                    t["coefficient"].as_str().unwrap(),
                    p[0],
                    p[1]
                )
            })
            .collect();
        let want = read_text(&terms.join(" + "));
        assert!(agree_on_grid(&poly, &want), "{name}: {poly}");
    }
}

// ---------------------------------------------------------------- random values

fn small_const() -> impl Strategy<Value = Const> {
    let atom = prop_oneof![
        (-20i64..20, 1i64..12).prop_map(|(p, q)| Const::from_rational(
            num_rational::BigRational::new(p.into(), q.into())
        )),
        Just(Const::pi()),
        Just(Const::e()),
        (2i64..9).prop_map(|n| value(&format!("ln({n})"))),
        (2i64..9).prop_map(|n| value(&format!("sqrt({n})"))),
        (1i64..4).prop_map(|n| value(&format!("erf(1/{n})"))),
        (1i64..4).prop_map(|n| value(&format!("cos({n})"))),
    ];
    atom.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| &a + &b),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| &a - &b),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| &a * &b),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| a.checked_div(&b).unwrap_or(a)),
            inner.prop_map(|a| -a),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// A constant printed as text or LaTeX reads back to itself.
    #[test]
    fn constants_read_back(c in small_const()) {
        let text = c.to_string();
        prop_assert!(same(&value(&text), &c), "text {}", text);
        let latex = c.to_latex();
        let back = read_latex(&latex);
        prop_assert!(same(&value(&back), &c), "LaTeX {} read as {}", latex, back);
        prop_assert!(!text.contains("+ -") && !text.contains("--"), "{}", text);
    }

    /// A series printed as text or LaTeX reads back to its coefficients.
    #[test]
    fn series_read_back(cs in prop::collection::vec(small_const(), 1..5), p in small_const()) {
        let s = print::series(&cs, "x", &p);
        for format in [Format::Text, Format::Latex] {
            let out = s.render(format);
            let sum = match format {
                Format::Text => before_order(&out, "O(").to_string(),
                Format::Latex => read_latex(before_order(&out, r"O\left(")),
            };
            let sum = if sum.is_empty() { "0".to_string() } else { sum };
            let got = coefficients_of(&read_text(&sum), &p, cs.len() - 1);
            for (g, w) in got.iter().zip(&cs) {
                prop_assert!(same(g, w), "{} gives {} for {}", out, g, w);
            }
        }
    }
}

// ---------------------------------------------------------------- a LaTeX reader

/// Reads the LaTeX subset the printer emits back into the language (fully parenthesised).
/// Test-only: it exists to check that the LaTeX says what the JSON says.
fn read_latex(src: &str) -> String {
    if src.trim().is_empty() {
        return String::new();
    }
    let tokens = tokenize(&latex::join_digit_groups(src));
    let mut p = Reader { t: tokens, i: 0 };
    let out = p.sum();
    assert!(p.i == p.t.len(), "unread LaTeX after {out}: {src}");
    out
}

fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\\' && cs.get(i + 1).is_some_and(|c| !c.is_ascii_alphabetic()) {
            // `\,` (a thin space), `\_`
            if cs[i + 1] == '_' {
                out.push(r"\_".to_string());
            }
            i += 2;
        } else if c == '\\' {
            let mut j = i + 1;
            while j < cs.len() && cs[j].is_ascii_alphabetic() {
                j += 1;
            }
            let mut name: String = cs[i..j].iter().collect();
            if (name == r"\left" || name == r"\right") && j < cs.len() {
                name.push(cs[j]);
                j += 1;
            }
            out.push(name);
            i = j;
        } else if c.is_ascii_digit() || c == '.' {
            let mut j = i;
            while j < cs.len() && (cs[j].is_ascii_digit() || cs[j] == '.') {
                j += 1;
            }
            out.push(cs[i..j].iter().collect());
            i = j;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

struct Reader {
    t: Vec<String>,
    i: usize,
}

const FUNCS: [(&str, &str); 14] = [
    (r"\ln", "ln"),
    (r"\sin", "sin"),
    (r"\cos", "cos"),
    (r"\tan", "tan"),
    (r"\sinh", "sinh"),
    (r"\cosh", "cosh"),
    (r"\tanh", "tanh"),
    (r"\arcsin", "asin"),
    (r"\arccos", "acos"),
    (r"\arctan", "atan"),
    (r"\exp", "exp"),
    (r"\min", "min"),
    (r"\max", "max"),
    (r"\operatorname", ""),
];

impl Reader {
    fn peek(&self) -> Option<&str> {
        self.t.get(self.i).map(String::as_str)
    }
    fn next(&mut self) -> String {
        let t = self.t.get(self.i).cloned().unwrap_or_default();
        self.i += 1;
        t
    }
    fn expect(&mut self, want: &str) {
        let got = self.next();
        assert_eq!(
            got, want,
            "LaTeX reader: expected {want} at token {}",
            self.i
        );
    }
    fn group(&mut self) -> String {
        self.expect("{");
        let e = self.sum();
        self.expect("}");
        e
    }
    fn word(&mut self) -> String {
        self.expect("{");
        let mut w = String::new();
        while self.peek() != Some("}") {
            let t = self.next();
            w.push_str(if t == r"\_" { "_" } else { &t });
        }
        self.expect("}");
        w.replace('\\', "")
    }
    fn sum(&mut self) -> String {
        let mut out = self.product();
        while let Some(op @ ("+" | "-")) = self.peek() {
            let op = op.to_string();
            self.i += 1;
            out = format!("({out}) {op} ({})", self.product());
        }
        out
    }
    fn starts_factor(&self) -> bool {
        !matches!(
            self.peek(),
            None | Some("+" | "-" | "}" | r"\right)" | r"\right|" | "," | "/" | "&" | r"\\")
        )
    }
    fn product(&mut self) -> String {
        let mut out = self.unary();
        loop {
            match self.peek() {
                Some(r"\cdot") => {
                    self.i += 1;
                    out = format!("({out})*({})", self.unary());
                }
                Some("/") => {
                    self.i += 1;
                    out = format!("({out})/({})", self.unary());
                }
                _ if self.starts_factor() => out = format!("({out})*({})", self.unary()),
                _ => return out,
            }
        }
    }
    fn unary(&mut self) -> String {
        if self.peek() == Some("-") {
            self.i += 1;
            return format!("-({})", self.unary());
        }
        let base = self.primary();
        if base == "e" && self.peek() == Some("^") {
            self.i += 1;
            return format!("exp({})", self.group());
        }
        if self.peek() == Some("^") {
            self.i += 1;
            let e = self.group();
            return format!("({base})^({e})");
        }
        base
    }
    fn args(&mut self) -> String {
        self.expect(r"\left(");
        let mut parts = vec![self.sum()];
        while self.peek() == Some(",") {
            self.i += 1;
            parts.push(self.sum());
        }
        self.expect(r"\right)");
        parts.join(", ")
    }
    fn primary(&mut self) -> String {
        let t = self.next();
        match t.as_str() {
            r"\frac" => {
                let a = self.group();
                let b = self.group();
                format!("({a})/({b})")
            }
            r"\sqrt" => format!("sqrt({})", self.group()),
            r"\left(" => {
                let e = self.sum();
                self.expect(r"\right)");
                e
            }
            r"\left|" => {
                let e = self.sum();
                self.expect(r"\right|");
                format!("abs({e})")
            }
            r"\pi" => "pi".into(),
            r"\mathrm" => self.word(),
            "e" => "e".into(),
            _ if t.starts_with(|c: char| c.is_ascii_digit()) => t,
            _ if t.len() == 1 && t.chars().all(|c| c.is_ascii_alphabetic()) => {
                if self.peek() == Some("_") {
                    self.i += 1;
                    format!("{t}{}", self.word())
                } else {
                    t
                }
            }
            _ => {
                let name = match FUNCS.iter().find(|(l, _)| *l == t) {
                    Some((_, "")) => match self.word().as_str() {
                        "erf" => "erf".to_string(),
                        "arsinh" => "asinh".to_string(),
                        "arcosh" => "acosh".to_string(),
                        "artanh" => "atanh".to_string(),
                        other => other.to_string(),
                    },
                    Some((_, n)) => n.to_string(),
                    None if t.starts_with('\\') && self.peek() != Some(r"\left(") => {
                        return t[1..].to_string()
                    }
                    None if t.starts_with('\\') => t[1..].to_string(),
                    None => panic!("LaTeX reader: unexpected token `{t}`"),
                };
                if self.peek() == Some(r"\left(") {
                    format!("{name}({})", self.args())
                } else {
                    // a bare argument: one number, pi or e
                    format!("{name}({})", self.primary())
                }
            }
        }
    }
}

/// A name of a long constant stands for its value: it replaces a whole bracket, so no
/// `\left(K_{j}\right)` is printed (this tower's document had 67, such as
/// `K_{2} = 256 \cdot \left(K_{12}\right)`); the names read back as before, since the reader
/// brackets what it substitutes (`long_coefficients_are_read_through_their_printed_names`).
#[test]
fn named_brackets_lose_their_brackets() {
    use commands::gate::GateFormat as F;
    let doc = run_gate("tanh(tanh(tanh(exp(x))))", F::Latex).output;
    assert!(doc.contains("K_{1}"), "no long constant named in\n{doc}");
    for (i, _) in doc.match_indices(r"\left(") {
        let inner = doc[i + 6..].trim_start();
        if let Some(rest) = inner.strip_prefix("K_{") {
            let close = rest.find('}').unwrap();
            assert!(
                !rest[close + 1..].trim_start().starts_with(r"\right)"),
                "a bracket around a single name in\n{doc}"
            );
        }
    }
}
