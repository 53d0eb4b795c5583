//! The sections of a gate derivation about one given scale (`gate --lambda`) and about the
//! network evaluated in floating point (`gate --float`).

use super::doc::{fill, words, Block, Inline, Math, Row, Section};
use super::lang::Messages;
use super::math::{decimal, decimal_down, decimal_up};
use crate::bound::{BoundError, SupVerdict, SUP_TOLERANCE};
use crate::certificate::float::{float_text, FloatBound, FloatCertificate, FloatFormat};
use crate::certificate::CertificateError;
use crate::choice::Choice;
use crate::session::LambdaAnswer;
use num_rational::BigRational;
use num_traits::Signed;

fn para(template: &str, args: &[Math]) -> Block {
    Block::Para(fill(template, args))
}

fn le() -> Math {
    Math::new("≤", r"\le")
}

/// An exact rational: `3/5` in text, `\frac{3}{5}` in LaTeX.
fn rational(q: &BigRational) -> Math {
    if q.is_integer() {
        return Math::same(q.to_string());
    }
    let sign = if q.is_negative() { "-" } else { "" };
    let a = q.numer().abs();
    Math::new(
        q.to_string(),
        format!(r"{sign}\frac{{{a}}}{{{}}}", q.denom()),
    )
}

/// A point `(q_1, ..., q_n)` of exact rationals.
fn point(p: &[BigRational]) -> Math {
    let parts: Vec<Math> = p.iter().map(rational).collect();
    let inner = Math::join(&parts, ", ", ", ");
    Math::new(
        format!("({})", inner.text),
        format!(r"\left({}\right)", inner.latex),
    )
}

/// An enclosure `[lo, hi]`, rounded outward to 4 digits.
fn enclosure(lo: &BigRational, hi: &BigRational) -> Math {
    let (l, h) = crate::certificate::decimal_interval(lo, hi);
    let (l, h) = (decimal_str(&l), decimal_str(&h));
    Math::new(
        format!("[{}, {}]", l.text, h.text),
        format!(r"\left[{}, {}\right]", l.latex, h.latex),
    )
}

/// A decimal string (`1.5e-7`, `-0.25`) as mathematics.
fn decimal_str(t: &str) -> Math {
    match t.split_once('e') {
        Some((m, e)) => Math::new(t, format!(r"{m} \cdot 10^{{{e}}}")),
        None => Math::same(t),
    }
}

/// A value of a floating-point format (`6.1035156e-4`) as mathematics.
fn float_value(format: FloatFormat, x: f64) -> Math {
    let t = float_text(format, x);
    match t.split_once('e') {
        Some((m, "0")) => Math::new(t.clone(), m.to_string()),
        Some((m, e)) => Math::new(t.clone(), format!(r"{m} \cdot 10^{{{e}}}")),
        None => Math::same(t),
    }
}

fn named(name: &str, latex: &str, value: &Math) -> Math {
    Math::new(
        format!("{name} = {}", value.text),
        format!("{latex} = {}", value.latex),
    )
}

/// `|x_i| ≤ R = r`.
fn box_math(radius: &BigRational) -> Math {
    let r = decimal(radius);
    Math::new(
        format!("|x_i| ≤ R = {}", r.text),
        format!(r"|x_i| \le R = {}", r.latex),
    )
}

/// `sup_(|x_i| ≤ R) |f_λ(x) - prod|`.
fn sup_math(prod: &Math) -> Math {
    Math::new(
        format!("sup_(|x_i| ≤ R) |f_λ(x) - {}|", prod.text),
        format!(r"\sup_{{|x_i| \le R}} |f_\lambda(x) - {}|", prod.latex),
    )
}

/// What stopped a search (the engine's words `stopped at ...`), in the language.
fn stopped_words(reason: &str, msg: &Messages) -> String {
    let r = reason.strip_prefix("stopped at ").unwrap_or(reason);
    let number = |s: &str| -> Option<String> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        (!d.is_empty()).then_some(d)
    };
    if r == "the deadline" {
        return msg.stop_deadline.to_string();
    }
    if let Some(n) = r.strip_prefix("the limit of ").and_then(number) {
        return msg.stop_boxes.replacen("{}", &n, 1);
    }
    if let Some(n) = r
        .strip_prefix("no progress of the bound in ")
        .and_then(number)
    {
        return msg.stop_stall.replacen("{}", &n, 1);
    }
    super::why::with_detail(msg, msg.why_engine, r)
}

/// A paragraph of `template` whose one `{}` takes words (not mathematics).
fn fill_words(template: &str, text: &str) -> Block {
    let (before, after) = template.split_once("{}").unwrap_or((template, ""));
    let mut p = fill(before, &[]);
    p.push(Inline::Text(text.to_string()));
    p.extend(fill(after, &[]));
    Block::Para(p)
}

fn method(neurons: Option<(usize, usize)>, boxes: usize, msg: &Messages) -> Block {
    match neurons {
        Some((all, distinct)) => para(
            msg.lambda_method_model,
            &[
                Math::new("(a·x)^4 Φ(a·x)", r"(a\cdot x)^4\, \Phi(a\cdot x)"),
                Math::same(all.to_string()),
                Math::same(distinct.to_string()),
                Math::same(boxes.to_string()),
            ],
        ),
        None => para(msg.lambda_method_direct, &[Math::same(boxes.to_string())]),
    }
}

/// `lower ≤ sup ≤ upper` (and `≤ ε = eps` when `eps`).
fn sandwich(prod: &Math, lower: &BigRational, upper: &BigRational, eps: Option<&Math>) -> Block {
    let lo = decimal_down(lower);
    let mut rhs = vec![decimal_up(upper)];
    if let Some(e) = eps {
        rhs.push(e.after("≤ ε = ", r"\le \varepsilon = "));
    }
    Block::Display(vec![
        Row::rel(sup_math(prod), Math::new("≥", r"\ge"), vec![lo]),
        Row::rel(sup_math(prod), le(), rhs),
    ])
}

/// The section "The given scale lambda": the decision against epsilon, or the enclosure of
/// the sup without it.
pub(crate) fn lambda_section(
    lambda: &BigRational,
    answer: &Result<LambdaAnswer, BoundError>,
    radius: &BigRational,
    epsilon: Option<&BigRational>,
    prod: &Math,
    msg: &Messages,
) -> Section {
    let lam = named("λ", r"\lambda", &rational(lambda));
    let eps = epsilon.map(decimal);
    let mut blocks = Vec::new();
    match answer {
        Ok(LambdaAnswer::Decided(g)) => {
            let e = eps.clone().unwrap_or_default();
            blocks.push(para(
                msg.lambda_question,
                &[lam, named("ε", r"\varepsilon", &e), box_math(radius)],
            ));
            blocks.push(Block::Display(vec![Row::rel(
                sup_math(prod),
                Math::new("≤ ε ?", r"\le \varepsilon\;?"),
                vec![],
            )]));
            match &g.verdict {
                SupVerdict::Proved => {
                    blocks.push(para(msg.lambda_certified, &[]));
                    blocks.push(sandwich(prod, &g.lower, &g.upper, Some(&e)));
                }
                SupVerdict::Refuted { witness, value } => {
                    blocks.push(para(
                        msg.lambda_refuted,
                        &[point(witness), enclosure(&value.0, &value.1)],
                    ));
                    blocks.push(Block::Display(vec![Row::rel(
                        sup_math(prod),
                        Math::new("≥", r"\ge"),
                        vec![
                            decimal_down(&g.lower),
                            e.after("> ε = ", r"> \varepsilon = "),
                        ],
                    )]));
                }
                SupVerdict::Undecided { reason } => {
                    blocks.push(fill_words(
                        msg.lambda_undecided,
                        &stopped_words(reason, msg),
                    ));
                    blocks.push(sandwich(prod, &g.lower, &g.upper, None));
                }
            }
            blocks.push(method(g.neurons, g.boxes, msg));
        }
        Ok(LambdaAnswer::Enclosed(s)) => {
            blocks.push(para(
                msg.lambda_enclosed,
                &[
                    lam,
                    box_math(radius),
                    decimal_str(&format!("{SUP_TOLERANCE:e}")),
                ],
            ));
            blocks.push(sandwich(prod, &s.lower, &s.upper, None));
            if let Some(r) = &s.stopped {
                blocks.push(fill_words(
                    msg.lambda_enclosed_stopped,
                    &stopped_words(r, msg),
                ));
            }
            blocks.push(para(
                msg.lambda_witness,
                &[point(&s.witness), enclosure(&s.value.0, &s.value.1)],
            ));
            blocks.push(method(s.neurons, s.boxes, msg));
        }
        Err(e) => blocks.push(Block::Para(words(format!(
            "{} {}",
            msg.lambda_none,
            super::why::bound(e, msg)
        )))),
    }
    Section {
        heading: fill(msg.h_lambda, &[]),
        blocks,
    }
}

fn format_math(format: FloatFormat) -> Math {
    Math::new(format.name(), format!(r"\mathtt{{{}}}", format.name()))
}

/// `|y(x) - prod| ≤ taylor + rounding ≤ total`.
fn budget(b: &FloatBound, prod: &Math, eps: Option<&Math>) -> Block {
    let (t, r) = (decimal(&b.taylor), decimal(&b.rounding));
    let mut rhs = vec![
        Math::new("T(λ) + ρ(λ)", r"T(\lambda) + \rho(\lambda)"),
        Math::new(
            format!("= {} + {}", t.text, r.text),
            format!("= {} + {}", t.latex, r.latex),
        ),
        decimal(&b.total).after("≤ ", r"\le "),
    ];
    if let Some(e) = eps {
        rhs.push(e.after("≤ ε = ", r"\le \varepsilon = "));
    }
    Block::Display(vec![Row::rel(
        Math::new(
            format!("|y(x) - {}|", prod.text),
            format!(r"|y(x) - {}|", prod.latex),
        ),
        le(),
        rhs,
    )])
}

fn stored(b: &FloatBound, format: FloatFormat, msg: &Messages) -> Block {
    let w = &b.weights;
    para(
        msg.float_stored,
        &[
            named("λ", r"\lambda", &float_value(format, w.lambda)),
            named("b^", r"\hat b", &float_value(format, w.bias)),
            named("c^", r"\hat c", &float_value(format, w.scale)),
        ],
    )
}

fn lambda_is(b: &FloatBound) -> Math {
    named("λ", r"\lambda", &rational(&b.lambda))
}

/// The section "The certificate in floating point".
pub(crate) fn float_section(
    c: &Result<FloatCertificate, CertificateError>,
    prod: &Math,
    msg: &Messages,
) -> Section {
    let mut blocks = Vec::new();
    match c {
        Ok(c) => {
            let f = format_math(c.format);
            let p = c.format.precision();
            let u = Math::new(format!("u = 2^-{p}"), format!("u = 2^{{-{p}}}"));
            let eps = decimal(&c.epsilon);
            blocks.push(para(
                msg.float_intro,
                &[
                    f.clone(),
                    u.clone(),
                    box_math(&c.radius),
                    named("ε", r"\varepsilon", &eps),
                    Math::new("T(λ)", r"T(\lambda)"),
                    Math::new("ρ(λ)", r"\rho(\lambda)"),
                    Math::new("λ = j/2^k, 16 ≤ j < 32", r"\lambda = j/2^k,\ 16 \le j < 32"),
                ],
            ));
            match &c.certified {
                Some(b) => {
                    blocks.push(para(msg.float_certified, &[lambda_is(b)]));
                    blocks.push(budget(b, prod, Some(&eps)));
                    blocks.push(stored(b, c.format, msg));
                    if b.lambda != c.best.lambda {
                        blocks.push(para(msg.float_smallest, &[lambda_is(&c.best)]));
                        blocks.push(budget(&c.best, prod, None));
                        blocks.push(stored(&c.best, c.format, msg));
                    }
                }
                None => {
                    blocks.push(para(
                        msg.float_not_reached,
                        &[
                            named("ε", r"\varepsilon", &eps),
                            f.clone(),
                            decimal(&c.best.total),
                            lambda_is(&c.best),
                        ],
                    ));
                    blocks.push(budget(&c.best, prod, None));
                    blocks.push(stored(&c.best, c.format, msg));
                }
            }
            let signs: Vec<String> = c.signs.iter().map(|s| format!("{s:+}")).collect();
            let signs_latex: Vec<String> = c
                .signs
                .iter()
                .map(|s| if *s > 0 { "+1".into() } else { "-1".into() })
                .collect();
            blocks.push(para(
                msg.float_order,
                &[
                    Math::same("s"),
                    Math::new(
                        format!("e_s = s_1⋯s_n = ({})", signs.join(", ")),
                        format!(r"e_s = s_1\cdots s_n = ({})", signs_latex.join(", ")),
                    ),
                ],
            ));
            blocks.push(Block::Display(vec![
                Row::eq(
                    Math::same("t_s"),
                    Math::new(
                        "fl(s_1 x_1 + ⋯ + s_n x_n)",
                        r"\mathrm{fl}(s_1 x_1 + \cdots + s_n x_n)",
                    ),
                ),
                Row::eq(
                    Math::same("z_s"),
                    Math::new(
                        "fl(fl(λ t_s) + b^)",
                        r"\mathrm{fl}(\mathrm{fl}(\lambda t_s) + \hat b)",
                    ),
                ),
                Row::eq(Math::same("h_s"), Math::new("σ^(z_s)", r"\hat\sigma(z_s)")),
                Row::eq(
                    Math::same("S"),
                    Math::new(
                        "fl(⋯fl(e_1 h_1 + e_2 h_2) + ⋯ + e_N h_N)",
                        r"\mathrm{fl}(\cdots\mathrm{fl}(e_1 h_1 + e_2 h_2) + \cdots + e_N h_N)",
                    ),
                ),
                Row::eq(
                    Math::same("y"),
                    Math::new(
                        "fl(c^ S), c = 1 / (2^n σ^(n)(b) λ^n)",
                        r"\mathrm{fl}(\hat c\, S), \qquad c = \frac{1}{2^n \sigma^{(n)}(b)\, \lambda^n}",
                    ),
                ),
            ]));
            blocks.push(para(msg.float_assumptions, &[]));
            let emin = c.format.min_exponent();
            let k = c.sigma_ulps;
            let assumptions: Vec<Vec<Inline>> = vec![
                fill(
                    msg.float_assume_round,
                    &[
                        f.clone(),
                        u,
                        Math::new(
                            format!("η = 2^{}", emin - 1),
                            format!(r"\eta = 2^{{{}}}", emin - 1),
                        ),
                    ],
                ),
                fill(
                    msg.float_assume_inputs,
                    &[Math::same("x_i"), f, box_math(&c.radius)],
                ),
                fill(
                    msg.float_assume_sigma,
                    &[
                        Math::same(k.to_string()),
                        Math::new(
                            format!("|σ^(z) - σ(z)| ≤ {k} ulp(σ(z)) ≤ {k} (2u |σ(z)| + 2^{emin})"),
                            format!(
                                r"|\hat\sigma(z) - \sigma(z)| \le {k}\,\mathrm{{ulp}}(\sigma(z)) \le {k}\,(2u\,|\sigma(z)| + 2^{{{emin}}})"
                            ),
                        ),
                    ],
                ),
                fill(
                    msg.float_assume_weights,
                    &[Math::new("b^", r"\hat b"), Math::new("c^", r"\hat c")],
                ),
            ];
            blocks.push(Block::List(assumptions));
        }
        Err(e) => blocks.push(Block::Para(words(format!(
            "{} {}",
            msg.float_none,
            super::why::certificate(e, msg)
        )))),
    }
    Section {
        heading: fill(msg.h_float, &[]),
        blocks,
    }
}
