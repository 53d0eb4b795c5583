//! The sections "The given scale lambda" (`gate --lambda`) and "The certificate in floating
//! point" (`gate --float`) of the gate's derivation: read back from the text, Markdown and
//! LaTeX outputs, their numbers equal the JSON's exact values; nothing follows
//! `\end{document}`; the Portuguese documents hold none of these sections' English sentences;
//! and the witness of a refuted scale is checked here by evaluating the network directly.

use num_bigint::BigInt;
use num_rational::BigRational;
use serde_json::Value;
use std::process::Command;
mod common;

fn run(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        out.status.code().unwrap_or(-1),
    )
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let (out, _) = run(&a);
    common::validated(common::json(&out))
}

fn doc(args: &[&str], format: &str, lang: &str) -> String {
    let mut a = args.to_vec();
    a.extend(["--format", format, "--lang", lang]);
    run(&a).0
}

/// An exact rational from `a/b`, an integer or a decimal (`-1.5e-7`), parsed here.
fn q(s: &str) -> BigRational {
    let s = s.trim();
    if let Some((a, b)) = s.split_once('/') {
        return BigRational::new(
            a.parse().expect("numerator"),
            b.parse().expect("denominator"),
        );
    }
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    let neg = m.starts_with('-');
    let m = m.trim_start_matches('-');
    let (i, f) = m.split_once('.').unwrap_or((m, ""));
    let digits: BigInt = format!("{i}{f}").parse().expect("digits");
    let e: i32 = e.parse::<i32>().expect("exponent") - f.len() as i32;
    let ten = BigRational::from_integer(BigInt::from(10));
    let v = BigRational::from_integer(digits) * num_traits::Pow::pow(&ten, e);
    if neg {
        -v
    } else {
        v
    }
}

/// A number in LaTeX: `\frac{a}{b}`, `-\frac{a}{b}`, `1.5 \cdot 10^{-7}`, `0.25`.
fn q_latex(s: &str) -> BigRational {
    let s = s.trim();
    if let Some(r) = s.strip_prefix('-') {
        return -q_latex(r);
    }
    if let Some(r) = s.strip_prefix(r"\frac{") {
        let (a, r) = r.split_once("}{").expect("frac");
        let b = r.trim_end_matches('}');
        return q(&format!("{a}/{b}"));
    }
    if let Some((m, e)) = s.split_once(r" \cdot 10^{") {
        return q(&format!("{m}e{}", e.trim_end_matches('}')));
    }
    q(s)
}

/// The first number at the start of `s` (digits, `.`, `-`, `/`, `e` exponent).
fn leading_number(s: &str) -> &str {
    let s = s.trim_start();
    let end = s
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == '/'
                || (c == '-' && (i == 0 || s[..i].ends_with('e')))
                || (c == 'e' && s[i + 1..].starts_with(|d: char| d.is_ascii_digit() || d == '-')))
        })
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// The lines of the text section whose heading contains `heading`, paragraphs joined.
fn text_section(out: &str, heading: &str) -> String {
    let mut inside = false;
    let mut s = String::new();
    for line in out.lines() {
        let numbered = line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
        if numbered {
            inside = line.contains(heading);
            continue;
        }
        if inside {
            s.push_str(line.trim());
            s.push('\n');
        }
    }
    assert!(!s.is_empty(), "no section `{heading}` in\n{out}");
    s
}

/// The part of a LaTeX or Markdown document from the heading containing `heading` to the next.
fn tex_section(out: &str, heading: &str) -> String {
    let mut inside = false;
    let mut s = String::new();
    for line in out.lines() {
        if line.starts_with("## ") || line.starts_with(r"\subsection*{") {
            inside = line.contains(heading);
            continue;
        }
        if inside {
            s.push_str(line);
            s.push('\n');
        }
    }
    assert!(!s.is_empty(), "no section `{heading}` in\n{out}");
    s
}

/// What the given scale's section states: (lower, upper, witness, enclosure at the witness).
#[derive(Debug, Default)]
struct Stated {
    lower: Option<BigRational>,
    upper: Option<BigRational>,
    witness: Option<Vec<BigRational>>,
    value: Option<(BigRational, BigRational)>,
}

fn read_text(sec: &str) -> Stated {
    let mut st = Stated::default();
    let joined = sec.replace('\n', " ");
    for line in sec.lines() {
        if let Some((_, r)) = line.split_once("|f_λ(x) - u*v| ≥ ") {
            st.lower = Some(q(leading_number(r)));
        }
        if let Some((_, r)) = line.split_once("|f_λ(x) - u*v| ≤ ") {
            let n = leading_number(r);
            if !n.is_empty() {
                st.upper = Some(q(n));
            }
        }
    }
    if let Some((_, r)) = joined.split_once("exact point (") {
        let p = r.split_once(')').expect("point").0;
        st.witness = Some(p.split(", ").map(q).collect());
        let r = r.split_once(" [").expect("enclosure").1;
        let (a, b) = r.split_once(']').expect("]").0.split_once(", ").expect(",");
        st.value = Some((q(a), q(b)));
    }
    st
}

fn read_tex(sec: &str) -> Stated {
    let mut st = Stated::default();
    for (lhs, rhs) in common::latex::rows(sec) {
        if !lhs.contains(r"\sup") {
            continue;
        }
        if let Some(r) = rhs.strip_prefix(r"\ge ") {
            st.lower = Some(q_latex(r.split(" >").next().expect("lower")));
        } else if let Some(r) = rhs.strip_prefix(r"\le ") {
            let n = r.split(r" \le").next().expect("upper");
            if !n.contains(r"\varepsilon") {
                st.upper = Some(q_latex(n));
            }
        }
    }
    if let Some((_, r)) = sec.split_once(r"$\left(") {
        let p = r.split_once(r"\right)").expect("point").0;
        st.witness = Some(p.split(", ").map(q_latex).collect());
        let r = r.split_once(r"$\left[").expect("enclosure").1;
        let (a, b) = r
            .split_once(r"\right]")
            .expect("]")
            .0
            .split_once(", ")
            .expect(",");
        st.value = Some((q_latex(a), q_latex(b)));
    }
    st
}

fn exact(v: &Value) -> BigRational {
    q(v.as_str().expect("an exact string"))
}

/// The stated values against the JSON's exact ones: bounds equal (or, for a refuted scale's
/// exact lower value, its rounding down to 4 digits), the witness equal, the printed
/// enclosure containing the exact one.
fn check(st: &Stated, j: &Value, what: &str) {
    let lower = exact(&j["lower"]);
    let printed = st
        .lower
        .clone()
        .unwrap_or_else(|| panic!("{what}: no lower bound"));
    assert!(
        printed <= lower,
        "{what}: printed lower {printed} > {lower}"
    );
    assert!(
        &lower - &printed <= &lower / BigRational::from_integer(BigInt::from(1000)),
        "{what}: printed lower {printed} too far below {lower}"
    );
    match j["verdict"].as_str() {
        Some("refuted") => {}
        _ => {
            assert_eq!(printed, lower, "{what}: lower");
            assert_eq!(st.upper.clone(), Some(exact(&j["upper"])), "{what}: upper");
        }
    }
    if let Some(w) = j["witness"].as_array() {
        let w: Vec<BigRational> = w.iter().map(exact).collect();
        assert_eq!(st.witness.as_ref(), Some(&w), "{what}: witness");
        let v = j["value"].as_array().expect("value");
        let (lo, hi) = st.value.clone().expect("printed enclosure");
        assert!(
            lo <= exact(&v[0]) && exact(&v[1]) <= hi,
            "{what}: enclosure"
        );
    } else {
        assert!(
            st.witness.is_none(),
            "{what}: a witness printed without one"
        );
    }
}

const CASES: &[(&[&str], &str)] = &[
    (
        &[
            "gate",
            "softplus",
            "--lambda",
            "1/8",
            "--epsilon",
            "1e-3",
            "--radius",
            "1",
        ],
        "refuted",
    ),
    (
        &[
            "gate",
            "softplus",
            "--lambda",
            "1/8",
            "--epsilon",
            "1e-2",
            "--radius",
            "1",
        ],
        "certified",
    ),
    (
        &["gate", "softplus", "--lambda", "1/8", "--radius", "1"],
        "enclosed",
    ),
    (
        &["gate", "tanh", "--lambda", "1/4", "--radius", "2"],
        "enclosed",
    ),
];

#[test]
fn the_given_scale_reads_back_in_every_format() {
    for (args, verdict) in CASES {
        let j = json(args);
        let lc = &j["lambda_check"];
        assert_eq!(lc["verdict"].as_str(), Some(*verdict), "{args:?}: {lc}");
        let text = doc(args, "text", "en");
        check(
            &read_text(&text_section(&text, "The given scale")),
            lc,
            "text",
        );
        for format in ["markdown", "latex"] {
            let out = doc(args, format, "en");
            check(&read_tex(&tex_section(&out, "The given scale")), lc, format);
        }
        // One printer: the section is numbered like the others, nothing follows the document.
        let mut a = args.to_vec();
        a.push("--standalone");
        let tex = doc(&a, "latex", "en");
        let end = tex.rfind(r"\end{document}").expect("a complete document");
        assert!(tex[end + r"\end{document}".len()..].trim().is_empty());
        assert!(tex.contains(r"\subsection*{8.~The given scale $\lambda$}"));
    }
}

/// `softplus(t) = ln(1 + e^t)` in `f64` (error far below the margins checked).
fn softplus(t: f64) -> f64 {
    if t > 0.0 {
        t + (-t).exp().ln_1p()
    } else {
        t.exp().ln_1p()
    }
}

#[test]
fn a_refuted_scale_fails_at_its_witness() {
    // The softplus gate by hand: sigma''(0) = 1/4, so A2 = e_s / (4 sigma''(0)) = e_s and
    // f_lambda(u, v) = lambda^-2 [sp(l(u+v)) + sp(-l(u+v)) - sp(l(u-v)) - sp(-l(u-v))].
    let j = json(CASES[0].0);
    let lc = &j["lambda_check"];
    let w: Vec<f64> = lc["witness"]
        .as_array()
        .expect("witness")
        .iter()
        .map(|x| {
            let r = exact(x);
            num_traits::ToPrimitive::to_f64(&r).expect("finite")
        })
        .collect();
    let (u, v, l) = (w[0], w[1], 0.125);
    assert!(
        u.abs() <= 1.0 && v.abs() <= 1.0,
        "the witness is in the box"
    );
    let f = (softplus(l * (u + v)) + softplus(-l * (u + v))
        - softplus(l * (u - v))
        - softplus(-l * (u - v)))
        / (l * l);
    let err = f - u * v;
    // Beyond epsilon by far more than the f64 error of this evaluation (about 1e-13).
    assert!(err.abs() > 1e-3 + 1e-9, "|f - uv| = {err} at ({u}, {v})");
    let value = lc["value"].as_array().expect("value");
    let (lo, hi) = (
        num_traits::ToPrimitive::to_f64(&exact(&value[0])).expect("lo"),
        num_traits::ToPrimitive::to_f64(&exact(&value[1])).expect("hi"),
    );
    assert!(
        lo - 1e-9 <= err && err <= hi + 1e-9,
        "{err} not in [{lo}, {hi}]"
    );
}

const FLOAT_CASES: &[&[&str]] = &[
    &[
        "gate",
        "softplus",
        "--epsilon",
        "1e-3",
        "--radius",
        "2",
        "--float",
        "f32",
    ],
    &[
        "gate",
        "softplus",
        "--epsilon",
        "1e-6",
        "--radius",
        "1",
        "--float",
        "f64",
    ],
    &[
        "gate",
        "tanh",
        "--epsilon",
        "1e-4",
        "--radius",
        "1",
        "--float",
        "f32",
    ],
];

/// `(lambda, taylor, rounding, total)` of each budget display `|y(x) - ...| ≤ T + ρ = a + b ≤ t`
/// of the text, in order, and the stored weights `(lambda, b^, c^)` of each paragraph.
type Budgets = (Vec<[BigRational; 3]>, Vec<[String; 3]>);

fn read_float_text(sec: &str) -> Budgets {
    let mut budgets = Vec::new();
    let mut stored = Vec::new();
    let joined = sec.replace('\n', " ");
    for line in sec.lines() {
        if let Some((_, r)) = line.split_once("T(λ) + ρ(λ) = ") {
            let (a, r) = r.split_once(" + ").expect("+");
            let t = r.split_once(" ≤ ").expect("≤").1;
            budgets.push([q(a), q(leading_number(r)), q(leading_number(t))]);
        }
    }
    for part in joined.split(": λ = ").skip(1) {
        if !part.contains(", b^ = ") {
            continue;
        }
        let (l, r) = part.split_once(", b^ = ").expect("b^");
        let (b, r) = r.split_once(" and c^ = ").expect("c^");
        let c = r.split_once(". ").map_or(r, |x| x.0).trim_end_matches('.');
        stored.push([l.to_string(), b.to_string(), c.to_string()]);
    }
    (budgets, stored)
}

fn read_float_tex(sec: &str) -> Vec<[BigRational; 3]> {
    common::latex::rows(sec)
        .into_iter()
        .filter_map(|(_, rhs)| {
            let r = rhs.strip_prefix(r"\le T(\lambda) + \rho(\lambda) = ")?;
            let (a, r) = r.split_once(" + ")?;
            let (b, r) = r.split_once(r" \le ")?;
            let t = r.split(r" \le").next()?;
            Some([q_latex(a), q_latex(b), q_latex(t)])
        })
        .collect()
}

#[test]
fn the_float_certificate_reads_back_in_every_format() {
    for args in FLOAT_CASES {
        let j = json(args);
        let fc = &j["float_certificate"];
        let mut expected: Vec<&Value> = Vec::new();
        if fc["reached"].as_bool() == Some(true) {
            expected.push(&fc["certified"]);
            if fc["certified"]["lambda"] != fc["smallest"]["lambda"] {
                expected.push(&fc["smallest"]);
            }
        } else {
            expected.push(&fc["smallest"]);
        }
        let want: Vec<[BigRational; 3]> = expected
            .iter()
            .map(|b| {
                [
                    exact(&b["taylor"]),
                    exact(&b["rounding"]),
                    exact(&b["total"]),
                ]
            })
            .collect();
        let text = doc(args, "text", "en");
        let sec = text_section(&text, "The certificate in floating point");
        let (budgets, stored) = read_float_text(&sec);
        assert_eq!(budgets, want, "{args:?} text");
        let want_stored: Vec<[String; 3]> = expected
            .iter()
            .map(|b| {
                let s = &b["stored"];
                ["lambda", "bias", "scale"].map(|k| s[k].as_str().expect("stored").to_string())
            })
            .collect();
        assert_eq!(stored, want_stored, "{args:?} stored weights");
        for b in &expected {
            let l = b["lambda"].as_str().expect("lambda");
            assert!(
                sec.contains(&format!("λ = {l}")),
                "{args:?}: λ = {l} not stated"
            );
        }
        assert!(sec.contains(&format!(
            "within {} ulps",
            fc["sigma_ulps"].as_u64().expect("ulps")
        )));
        for format in ["markdown", "latex"] {
            let out = doc(args, format, "en");
            let sec = tex_section(&out, "The certificate in floating point");
            assert_eq!(read_float_tex(&sec), want, "{args:?} {format}");
        }
    }
}

/// The word chunks (between the `{...}` of a template) long enough to be a sentence's words.
fn chunks(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let (words, r) = match rest.find('{') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if words.trim().len() >= 12 {
            out.push(words.trim().to_string());
        }
        rest = r.find('}').map_or("", |i| &r[i + 1..]);
    }
    out
}

#[test]
fn the_portuguese_sections_hold_no_english_sentence() {
    let en = taylorgate::teach::lang::Lang::En.messages();
    let templates = [
        en.h_lambda,
        en.lambda_question,
        en.lambda_certified,
        en.lambda_refuted,
        en.lambda_enclosed,
        en.lambda_witness,
        en.lambda_method_model,
        en.h_float,
        en.float_intro,
        en.float_certified,
        en.float_not_reached,
        en.float_smallest,
        en.float_stored,
        en.float_order,
        en.float_assumptions,
        en.float_assume_round,
        en.float_assume_inputs,
        en.float_assume_sigma,
        en.float_assume_weights,
    ];
    let english: Vec<String> = templates.iter().flat_map(|t| chunks(t)).collect();
    let mut runs: Vec<&[&str]> = CASES.iter().map(|c| c.0).collect();
    runs.extend(FLOAT_CASES.iter().copied());
    for args in runs {
        for format in ["text", "markdown", "latex"] {
            let pt = doc(args, format, "pt");
            let en_doc = doc(args, format, "en");
            for sentence in &english {
                assert!(
                    !pt.contains(sentence.as_str()),
                    "{args:?} {format}: `{sentence}`"
                );
            }
            for word in [
                "CERTIFIED",
                "REFUTED",
                "NOT REACHED",
                "Method:",
                "The given scale",
            ] {
                assert!(!pt.contains(word), "{args:?} {format}: {word}");
            }
            // The English document does state them (the check above can fail).
            assert!(english.iter().any(|s| en_doc.contains(s.as_str())));
        }
    }
}
