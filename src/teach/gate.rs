//! The derivation of the multiplication gate, for `n` inputs and any activation, with the
//! exact values of the report.

use super::doc::{fill, symbol, words, Block, Document, Inline, Math, Row, Section};
use super::lang::{Lang, Messages};
use super::math::{
    big_o, decimal, decimal_down, decimal_up, deriv, deriv_at, int, joined, monomial, power,
    product, signed_sum, var_latex, Printer,
};
use crate::bound::{BoundError, SupBound};
use crate::certificate::{BoxBound, Certificate, CertificateError};
use crate::gate::{derivative_from_coefficient, input_names, AtZero, GateReport, Reason, Verdict};
use crate::number::{Const, Sign};
use num_bigint::BigInt;

/// What the derivation shows beyond the report: the rigorous bound, the certificate, digits.
#[derive(Clone, Copy, Debug, Default)]
pub struct GateExtras<'a> {
    /// The rigorous remainder bound on a box (section "A rigorous bound").
    pub remainder: Option<&'a Result<SupBound, BoundError>>,
    /// The epsilon-lambda certificate (section "Certificate").
    pub certificate: Option<&'a Result<Certificate, CertificateError>>,
    /// Guaranteed significant digits of the exact values (section "Decimal values").
    pub digits: Option<u32>,
    /// The given scale and what was found of it (section "The given scale lambda").
    pub lambda: Option<(
        &'a num_rational::BigRational,
        &'a Result<crate::session::LambdaAnswer, BoundError>,
    )>,
    /// The radius of the input box (of the given scale's section).
    pub radius: Option<&'a num_rational::BigRational>,
    /// The accuracy asked, if any (of the given scale's section).
    pub epsilon: Option<&'a num_rational::BigRational>,
    /// The floating-point certificate (section "The certificate in floating point").
    pub float: Option<&'a Result<crate::certificate::float::FloatCertificate, CertificateError>>,
}

fn para(template: &str, args: &[Math]) -> Block {
    Block::Para(fill(template, args))
}

fn m(t: &str, l: &str) -> Math {
    Math::new(t, l)
}

/// The next total degree above `d` with the parity of `n`: every surviving term of the
/// network has total degree `= n (mod 2)`, so a truncation after degree `d` leaves a remainder
/// of this order.
pub fn next_degree(d: usize, n: usize) -> usize {
    if (d + 1) % 2 == n % 2 {
        d + 1
    } else {
        d + 2
    }
}

/// The derivation document of a gate report.
pub fn gate_document(r: &GateReport, extras: &GateExtras<'_>, lang: Lang) -> Document {
    let msg = lang.messages();
    let sigma = Math::expr(&r.activation);
    let short = super::render::latex_width(&sigma.latex) < 30.0;
    let title = fill(
        msg.title,
        &[if short {
            sigma.clone()
        } else {
            symbol("sigma")
        }],
    );
    let n = r.inputs;
    let mut doc = Document {
        title,
        intro: vec![],
        sections: vec![],
        lang: lang.code(),
    };
    doc.intro.push(Block::Display(vec![Row::eq_pieces(
        m("σ(x)", r"\sigma(x)"),
        super::math::expr_pieces(&r.activation),
    )]));
    let verdict = match r.verdict {
        Verdict::Admits => msg.verdict_admits,
        Verdict::DoesNotAdmit => msg.verdict_not,
        Verdict::Undecided => msg.verdict_undecided,
    };
    doc.intro.push(para(
        verdict,
        &[Math::same(n.to_string()), Math::same(r.hidden.to_string())],
    ));
    if r.verdict != Verdict::Admits {
        let mut p = words(format!("{} ", msg.reason));
        p.extend(reason(&r.why, n, msg));
        p.push(Inline::Text(".".into()));
        doc.intro.push(Block::Para(p));
        return doc;
    }
    let ctx = Ctx::new(r, msg);
    doc.sections.push(ctx.network());
    doc.sections.push(ctx.taylor());
    doc.sections.push(ctx.signed_sum());
    if n == 2 {
        doc.sections.push(ctx.even_part());
    }
    doc.sections.push(ctx.result());
    doc.sections.push(ctx.scaling());
    if !r.remainder.exact {
        if let Some(b) = extras.remainder {
            doc.sections.push(ctx.bound(b));
        }
        if let Some(c) = extras.certificate {
            doc.sections.push(ctx.certificate(c));
        }
    }
    if let (Some((l, answer)), Some(radius)) = (extras.lambda, extras.radius) {
        doc.sections.push(super::given::lambda_section(
            l,
            answer,
            radius,
            extras.epsilon,
            &ctx.prod,
            msg,
        ));
    }
    if let Some(c) = extras.float {
        doc.sections
            .push(super::given::float_section(c, &ctx.prod, msg));
    }
    let notes = ctx.notes();
    if !notes.is_empty() {
        doc.sections.push(Section {
            heading: words(msg.h_notes),
            blocks: vec![Block::List(notes)],
        });
    }
    if let Some(d) = extras.digits {
        doc.sections.push(ctx.digits(d));
    }
    doc
}

/// The report's values under short names.
struct Ctx<'a> {
    r: &'a GateReport,
    msg: &'static Messages,
    n: usize,
    names: Vec<String>,
    b: Const,
    dn: Const,
    /// `f(u, v)` / `f(x_1, ..., x_n)`.
    f_of: Math,
    prod: Math,
    /// Every coefficient of the document, printed once.
    print: Printer,
}

impl<'a> Ctx<'a> {
    fn new(r: &'a GateReport, msg: &'static Messages) -> Ctx<'a> {
        let names = input_names(r.inputs);
        let args_text = names.join(", ");
        let args_latex = names
            .iter()
            .map(|x| var_latex(x))
            .collect::<Vec<_>>()
            .join(", ");
        Ctx {
            r,
            msg,
            n: r.inputs,
            b: r.bias.clone().unwrap_or_else(Const::zero),
            dn: r.derivative_at_bias.clone().unwrap_or_else(Const::zero),
            f_of: m(&format!("f({args_text})"), &format!("f({args_latex})")),
            prod: product(&names),
            names,
            print: Printer::default(),
        }
    }

    /// `σ^(k)(b) = k! c_k`, when the expansion reached degree `k`.
    fn derivative(&self, k: usize) -> Option<Const> {
        self.r
            .taylor
            .get(k)
            .map(|c| derivative_from_coefficient(c, k))
    }

    fn dn_b(&self) -> Math {
        deriv_at(self.n, "b")
    }

    fn network(&self) -> Section {
        let (msg, n) = (self.msg, self.n);
        let mut blocks = vec![para(
            msg.network_layer,
            &[
                Math::same(n.to_string()),
                Math::same(self.r.hidden.to_string()),
                m("s ∈ {+1, -1}^n", r"s \in \{+1, -1\}^n"),
            ],
        )];
        blocks.push(Block::Display(vec![
            Row::eq(
                self.f_of.clone(),
                m(
                    "Σ_s A2_s σ(b + s·x)",
                    r"\sum_{s} A_{2,s}\, \sigma(b + s\cdot x)",
                ),
            ),
            Row::eq(
                m("A2_s", "A_{2,s}"),
                Math::new(
                    format!("s_1⋯s_n / (2^n {})", self.dn_b().text),
                    format!(r"\frac{{s_1 \cdots s_n}}{{2^n\, {}}}", self.dn_b().latex),
                ),
            ),
        ]));
        blocks.push(para(msg.network_values, &[]));
        let mut rows = vec![Row::eq(symbol("b"), self.print.konst(&self.b))];
        if n <= 3 {
            let a1 = self
                .r
                .a1
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(" & ")
                })
                .collect::<Vec<_>>();
            let a1_text = self
                .r
                .a1
                .iter()
                .map(|row| format!("{row:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(Row::eq(
                symbol("A1"),
                Math::new(
                    format!("[{a1_text}]"),
                    format!(r"\begin{{pmatrix}} {} \end{{pmatrix}}", a1.join(r" \\ ")),
                ),
            ));
            let signs: Vec<String> = self
                .r
                .a1
                .iter()
                .map(|row| {
                    if row.iter().product::<i32>() > 0 {
                        "1".to_string()
                    } else {
                        "-1".to_string()
                    }
                })
                .collect();
            let scale = self.r.a2.first().cloned().unwrap_or_else(Const::zero);
            rows.push(Row::rel(
                symbol("A2"),
                Math::same("="),
                vec![
                    Math::new(
                        format!("1/(2^{n} {}) ({})", self.dn_b().text, signs.join(", ")),
                        format!(
                            r"\frac{{1}}{{2^{{{n}}}\, {}}} \begin{{pmatrix}} {} \end{{pmatrix}}",
                            self.dn_b().latex,
                            signs.join(" & ")
                        ),
                    ),
                    self.print.konst(&scale).after(
                        &format!("{} 1/(2^n σ^(n)(b)) = ", self.msg.with_word),
                        &format!(
                            r",\quad \text{{{}}}\ \frac{{1}}{{2^n\, \sigma^{{(n)}}(b)}} = ",
                            self.msg.with_word
                        ),
                    ),
                ],
            ));
        }
        blocks.push(Block::Display(rows));
        if n == 2 {
            blocks.push(para(msg.network_two, &[]));
            blocks.push(Block::Display(vec![Row::eq(
                m("f(u, v)", "f(u, v)"),
                m(
                    "[σ(b+u+v) + σ(b-u-v) - σ(b+u-v) - σ(b-u+v)] / (4 σ''(b))",
                    r"\frac{\sigma(b+u+v) + \sigma(b-u-v) - \sigma(b+u-v) - \sigma(b-u+v)}{4\, \sigma''(b)}",
                ),
            )]));
        }
        Section {
            heading: words(msg.h_network),
            blocks,
        }
    }

    fn taylor(&self) -> Section {
        let (msg, n) = (self.msg, self.n);
        let mut blocks = Vec::new();
        if !self.b.is_zero() {
            let zero_vanishes = self
                .r
                .derivative_at_zero
                .as_ref()
                .is_some_and(Const::is_zero);
            blocks.push(if zero_vanishes {
                para(
                    msg.bias_shift_vanishes,
                    &[deriv_at(n, "0"), self.print.konst(&self.b)],
                )
            } else {
                para(msg.bias_shift_other, &[self.print.konst(&self.b)])
            });
        }
        blocks.push(para(
            msg.taylor_intro,
            &[m("c_k = σ^(k)(b)/k!", r"c_k = \frac{\sigma^{(k)}(b)}{k!}")],
        ));
        let terms: Vec<(Const, Math)> = self
            .r
            .taylor
            .iter()
            .enumerate()
            .map(|(k, c)| (c.clone(), power("t", k)))
            .collect();
        let mut pieces = self.print.signed_sum(&terms);
        let d = self.r.taylor.len().saturating_sub(1);
        let exact_series = self.r.polynomial_piece
            && crate::gate::active_piece(&self.r.activation, &self.b)
                .and_then(|p| crate::gate::polynomial_degree(&p, "x"))
                .is_some_and(|deg| deg <= d);
        if !exact_series {
            pieces.push(big_o("t", "t", d + 1).prefixed("+ "));
        }
        blocks.push(Block::Display(vec![Row::eq_pieces(
            m("σ(b + t)", r"\sigma(b + t)"),
            pieces,
        )]));
        blocks.push(para(
            msg.taylor_dn,
            &[
                {
                    let dn = self.print.konst(&self.dn);
                    Math::new(
                        format!("{} = {n}! c_{n} = {}", self.dn_b().text, dn.text),
                        format!(r"{} = {n}!\, c_{{{n}}} = {}", self.dn_b().latex, dn.latex),
                    )
                },
                m("≠ 0", r"\neq 0"),
            ],
        ));
        Section {
            heading: words(msg.h_taylor),
            blocks,
        }
    }

    fn signed_sum(&self) -> Section {
        let (msg, n) = (self.msg, self.n);
        let mut blocks = vec![para(msg.sum_expand, &[])];
        blocks.push(Block::Display(vec![
            Row::eq(
                self.f_of.clone(),
                Math::new(
                    format!("1/(2^n {}) Σ_k c_k P_k(x)", self.dn_b().text),
                    format!(
                        r"\frac{{1}}{{2^n\, {}}} \sum_{{k \ge 0}} c_k\, P_k(x)",
                        self.dn_b().latex
                    ),
                ),
            ),
            Row::eq(
                m("P_k(x)", "P_k(x)"),
                m(
                    "Σ_s s_1⋯s_n (s·x)^k",
                    r"\sum_{s} s_1 \cdots s_n\, (s\cdot x)^k",
                ),
            ),
        ]));
        blocks.push(para(
            msg.sum_multinomial,
            &[
                symbol("alpha_fact"),
                m(
                    "s^α = s_1^α_1 ⋯ s_n^α_n",
                    r"s^\alpha = s_1^{\alpha_1}\cdots s_n^{\alpha_n}",
                ),
            ],
        ));
        blocks.push(Block::Display(vec![
            Row::eq(
                m("(s·x)^k", r"(s\cdot x)^k"),
                m(
                    "Σ_(|α|=k) k!/α! s^α x^α",
                    r"\sum_{|\alpha| = k} \frac{k!}{\alpha!}\, s^\alpha x^\alpha",
                ),
            ),
            Row::rel(
                m("Σ_s s_1⋯s_n s^α", r"\sum_{s} s_1\cdots s_n\, s^\alpha"),
                Math::same("="),
                vec![
                    m(
                        "Π_i (Σ_(s_i=±1) s_i^(α_i+1))",
                        r"\prod_{i=1}^{n} \Bigl(\sum_{s_i = \pm 1} s_i^{\alpha_i + 1}\Bigr)",
                    ),
                    m(
                        "= Π_i (1 + (-1)^(α_i+1))",
                        r"= \prod_{i=1}^{n} \bigl(1 + (-1)^{\alpha_i + 1}\bigr)",
                    ),
                ],
            ),
            Row::eq(
                Math::default(),
                {
                    let [every, odd, otherwise] = msg.odd_cases;
                    Math::new(
                        format!("2^n {every} α_i {odd}, 0 {otherwise}"),
                        format!(
                            r"\begin{{cases}} 2^n & \text{{{every} }} \alpha_i \text{{ {odd}}} \\ 0 & \text{{{otherwise}}} \end{{cases}}"
                        ),
                    )
                },
            ),
        ]));
        blocks.push(para(msg.sum_survive, &[]));
        blocks.push(Block::List(vec![
            fill(msg.sum_constant, &[]),
            fill(msg.sum_low, &[Math::same(n.to_string())]),
            fill(
                msg.sum_parity,
                &[
                    m("|α| ≡ n (mod 2)", r"|\alpha| \equiv n \pmod 2"),
                    Math::same(format!("n = {n}")),
                ],
            ),
        ]));
        blocks.push(para(msg.sum_formula, &[]));
        blocks.push(Block::Display(vec![Row::eq(
            self.f_of.clone(),
            Math::new(
                format!(
                    "Σ_(α {}) σ^(|α|)(b) / ({} α!) x^α",
                    msg.all_odd,
                    self.dn_b().text
                ),
                format!(
                    r"\sum_{{\alpha\ \text{{{}}}}} \frac{{\sigma^{{(|\alpha|)}}(b)}}{{{}\, \alpha!}}\, x^\alpha",
                    msg.all_odd,
                    self.dn_b().latex
                ),
            ),
        )]));
        let norm2 = Math::new(
            self.names
                .iter()
                .map(|x| format!("{x}^2"))
                .collect::<Vec<_>>()
                .join(" + "),
            self.names
                .iter()
                .map(|x| format!("{}^{{2}}", var_latex(x)))
                .collect::<Vec<_>>()
                .join(" + "),
        );
        blocks.push(para(
            msg.sum_lowest,
            &[
                m("α = (1, …, 1)", r"\alpha = (1, \ldots, 1)"),
                self.prod.clone(),
                Math::same((n + 2).to_string()),
            ],
        ));
        blocks.push(Block::Display(vec![Row::eq(
            Math::new(
                format!("[{} {}]", msg.degree_word, n + 2),
                format!(r"[\text{{{} }} {}]", msg.degree_word, n + 2),
            ),
            Math::new(
                format!(
                    "{} / (6 {}) {}*({})",
                    deriv_at(n + 2, "b").text,
                    self.dn_b().text,
                    self.prod.text,
                    norm2.text
                ),
                format!(
                    r"\frac{{{}}}{{6\, {}}}\, {} \left({}\right)",
                    deriv_at(n + 2, "b").latex,
                    self.dn_b().latex,
                    self.prod.latex,
                    norm2.latex
                ),
            ),
        )]));
        Section {
            heading: words(msg.h_sum),
            blocks,
        }
    }

    /// For two inputs: the even part and the binomial identities that do the work.
    fn even_part(&self) -> Section {
        let msg = self.msg;
        let mut blocks = vec![para(msg.even_intro, &[])];
        blocks.push(Block::Display(vec![
            Row::eq_pieces(
                m("E(t)", "E(t)"),
                vec![
                    m("σ(b+t) + σ(b-t)", r"\sigma(b+t) + \sigma(b-t)"),
                    m("= 2 Σ_k c_2k t^2k", r"= 2 \sum_{k \ge 0} c_{2k}\, t^{2k}"),
                ],
            ),
            Row::eq(
                m("f(u, v)", "f(u, v)"),
                m(
                    "[E(u+v) - E(u-v)] / (4 σ''(b))",
                    r"\frac{E(u+v) - E(u-v)}{4\, \sigma''(b)}",
                ),
            ),
        ]));
        blocks.push(para(msg.even_binomial, &[]));
        blocks.push(Block::Display(vec![Row::eq(
            m("(u+v)^m - (u-v)^m", "(u+v)^m - (u-v)^m"),
            Math::new(
                format!(
                    "Σ_j C(m,j) (1 - (-1)^j) u^(m-j) v^j = 2 Σ_(j {}) C(m,j) u^(m-j) v^j",
                    msg.odd_one
                ),
                format!(
                    r"\sum_{{j}} \binom{{m}}{{j}} \bigl(1 - (-1)^j\bigr) u^{{m-j}} v^j = 2 \sum_{{j\ \text{{{}}}}} \binom{{m}}{{j}} u^{{m-j}} v^j",
                    msg.odd_one
                ),
            ),
        )]));
        let top = self.r.degree.clamp(2, 8);
        let mut rows = Vec::new();
        for mm in (2..=top).step_by(2) {
            rows.push(binomial_identity(mm));
        }
        blocks.push(Block::Display(rows));
        let c2 = self.r.taylor.get(2).cloned().unwrap_or_else(Const::zero);
        blocks.push(para(
            msg.even_first,
            &[
                Math::new(
                    format!("c_2 = σ''(b)/2 = {c2}"),
                    format!(r"c_2 = \frac{{\sigma''(b)}}{{2}} = {}", c2.to_latex()),
                ),
                m(
                    "2 c_2 · 4uv / (4 σ''(b)) = uv",
                    r"\frac{2 c_2 \cdot 4uv}{4\, \sigma''(b)} = uv",
                ),
            ],
        ));
        Section {
            heading: words(msg.h_even),
            blocks,
        }
    }

    fn result(&self) -> Section {
        let (msg, n, r) = (self.msg, self.n, self.r);
        let d = r.degree;
        let mut blocks = Vec::new();
        let mut pieces = self.print.polynomial(&r.expansion, &self.names);
        if r.remainder.exact {
            blocks.push(para(msg.result_exact, &[]));
            blocks.push(Block::Display(vec![Row::eq_pieces(
                self.f_of.clone(),
                pieces,
            )]));
            blocks.push(para(msg.result_exact_why, &[]));
            return Section {
                heading: words(msg.h_result),
                blocks,
            };
        }
        let next = next_degree(d, n);
        blocks.push(para(
            msg.result_intro,
            &[Math::same(d.to_string()), symbol("norm_x")],
        ));
        pieces.push(big_o("|x|", "|x|", next).prefixed("+ "));
        blocks.push(Block::Display(vec![Row::eq_pieces(
            self.f_of.clone(),
            pieces,
        )]));
        if next == d + 2 {
            blocks.push(para(
                msg.result_sharp,
                &[
                    Math::same((d + 1).to_string()),
                    Math::same(next.to_string()),
                ],
            ));
        }
        let remainder_name = m(
            &format!("R(x) = {} - {}", self.f_of.text, self.prod.text),
            &format!("R(x) = {} - {}", self.f_of.latex, self.prod.latex),
        );
        match r.remainder.order {
            Some(k) => {
                blocks.push(para(
                    msg.result_leading,
                    &[remainder_name, Math::same(k.to_string())],
                ));
                let mut lead = self.print.polynomial(&r.remainder.leading, &self.names);
                lead.push(big_o("|x|", "|x|", k + 2).prefixed("+ "));
                blocks.push(Block::Display(vec![Row::eq_pieces(
                    m("R(x)", "R(x)"),
                    lead,
                )]));
                if let Some(dk) = self.derivative(n + 2) {
                    let coef = dk.checked_div(&(&int(6) * &self.dn)).ok();
                    let dk_math = self.print.konst(&dk);
                    let args = [
                        Math::new(
                            format!("{} = {}", deriv_at(n + 2, "b").text, dk_math.text),
                            format!("{} = {}", deriv_at(n + 2, "b").latex, dk_math.latex),
                        ),
                        coef.as_ref()
                            .map(|c| self.print.konst(c))
                            .unwrap_or_default(),
                    ];
                    if k == n + 2 {
                        blocks.push(para(msg.result_coefficient, &args));
                    } else {
                        blocks.push(para(msg.result_vanishing, &args[..1]));
                    }
                }
            }
            None if r.remainder.undecided.is_some() => {
                let t = r.remainder.undecided.as_ref().expect("checked");
                let degree: i64 = t.powers.iter().map(|&p| p as i64).sum();
                let monomial = self.print.polynomial(
                    &[crate::gate::Term {
                        powers: t.powers.clone(),
                        coefficient: Const::one(),
                    }],
                    &self.names,
                );
                blocks.push(para(
                    msg.result_undecided,
                    &[
                        self.print.konst(&t.coefficient),
                        joined(&monomial),
                        Math::same(degree.to_string()),
                    ],
                ));
            }
            None => blocks.push(para(
                msg.result_none,
                &[
                    Math::same(r.remainder.searched_degree.to_string()),
                    big_o("|x|", "|x|", next_degree(r.remainder.searched_degree, n)),
                ],
            )),
        }
        Section {
            heading: words(msg.h_result),
            blocks,
        }
    }

    fn scaling(&self) -> Section {
        let (msg, n, r) = (self.msg, self.n, self.r);
        let mut blocks = vec![para(
            msg.scaling_intro,
            &[
                m("A1 → λ A1", r"A_1 \to \lambda A_1"),
                Math::new(
                    format!("A2 → λ^-{n} A2"),
                    format!(r"A_2 \to \lambda^{{-{n}}} A_2"),
                ),
            ],
        )];
        let f_lambda = Math::new(
            self.f_of.text.replacen('f', "f_λ", 1),
            self.f_of.latex.replacen('f', r"f_\lambda", 1),
        );
        blocks.push(Block::Display(vec![Row::eq(
            f_lambda.clone(),
            Math::new(
                format!(
                    "λ^-{n} f({})",
                    self.names
                        .iter()
                        .map(|x| format!("λ{x}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!(
                    r"\lambda^{{-{n}}} f({})",
                    self.names
                        .iter()
                        .map(|x| format!(r"\lambda {}", var_latex(x)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        )]));
        if r.remainder.exact {
            blocks.push(para(msg.scaling_exact, &[]));
        } else {
            let k = r.remainder.order.unwrap_or(r.remainder.searched_degree + 1);
            blocks.push(para(msg.scaling_power, &[m("λ^(m-n)", r"\lambda^{m-n}")]));
            let mut pieces = vec![self.prod.clone()];
            if r.remainder.order.is_some() {
                let lead = joined(&self.print.polynomial(&r.remainder.leading, &self.names));
                pieces.push(Math::new(
                    format!("+ λ^{} ({})", k - n, lead.text),
                    format!(r"+ \lambda^{{{}}} \left({}\right)", k - n, lead.latex),
                ));
                pieces.push(big_o("λ", r"\lambda", k - n + 2).prefixed("+ "));
            } else if r.remainder.undecided.is_some() {
                // Every term besides the product has total degree n + 2 or more (same parity).
                pieces.push(big_o("λ", r"\lambda", 2).prefixed("+ "));
            } else {
                pieces.push(big_o("λ", r"\lambda", next_degree(k - 1, n) - n).prefixed("+ "));
            }
            blocks.push(Block::Display(vec![Row::eq_pieces(f_lambda, pieces)]));
            blocks.push(para(msg.scaling_limit, &[symbol("lambda_to_0")]));
        }
        Section {
            heading: words(msg.h_scaling),
            blocks,
        }
    }

    /// The inequality chain of a bound of `sup |R(y)|` over `|y|_inf <= r`.
    fn chain(&self, bb: &BoxBound, r_math: &Math) -> Vec<Block> {
        let (msg, n) = (self.msg, self.n);
        let mo = bb.order;
        let mut blocks = vec![para(
            msg.bound_lagrange,
            &[
                Math::same(mo.to_string()),
                Math::new(
                    format!("σ(b + t) = Σ_(k<{mo}) c_k t^k + σ^({mo})(ξ) t^{mo}/{mo}!"),
                    format!(
                        r"\sigma(b + t) = \sum_{{k < {mo}}} c_k t^k + \frac{{\sigma^{{({mo})}}(\xi)\, t^{{{mo}}}}}{{{mo}!}}"
                    ),
                ),
            ],
        )];
        let mm = Math::new(format!("M_{mo}"), format!("M_{{{mo}}}"));
        let sm = Math::new(format!("S_{mo}"), format!("S_{{{mo}}}"));
        blocks.push(para(
            msg.bound_ingredients,
            &[
                r_math.clone(),
                Math::new(
                    format!(
                        "[{}, {}]",
                        decimal_down(&bb.arguments.0).text,
                        decimal_up(&bb.arguments.1).text
                    ),
                    format!(
                        r"[{}, {}]",
                        decimal_down(&bb.arguments.0).latex,
                        decimal_up(&bb.arguments.1).latex
                    ),
                ),
                Math::new(
                    format!(
                        "{} = sup |σ^({mo})| ≤ {}",
                        mm.text,
                        decimal_up(&bb.derivative_bound).text
                    ),
                    format!(
                        r"{} = \sup |\sigma^{{({mo})}}| \le {}",
                        mm.latex,
                        decimal_up(&bb.derivative_bound).latex
                    ),
                ),
                Math::new(
                    format!("{} = Σ_s |s_1 + ⋯ + s_n|^{mo} = {}", sm.text, bb.corner_sum),
                    format!(
                        r"{} = \sum_s |s_1 + \cdots + s_n|^{{{mo}}} = {}",
                        sm.latex, bb.corner_sum
                    ),
                ),
                symbol("Ad"),
            ],
        ));
        let sup = Math::new(
            format!("sup_(|y|_∞ ≤ {}) |R(y)|", r_math.text),
            format!(r"\sup_{{|y|_\infty \le {}}} |R(y)|", r_math.latex),
        );
        blocks.push(Block::Display(vec![
            Row::rel(
                sup,
                m("≤", r"\le"),
                vec![
                    Math::new(
                        format!("Σ_({n}<d<{mo}) A_d r^d"),
                        format!(r"\sum_{{{n} < d < {mo}}} A_d\, r^d"),
                    ),
                    Math::new(
                        format!(
                            "+ {} {} r^{mo} / ({mo}! 2^{n} |{}|)",
                            mm.text,
                            sm.text,
                            self.dn_b().text
                        ),
                        format!(
                            r"+ \frac{{{} {}\, r^{{{mo}}}}}{{{mo}!\, 2^{{{n}}}\, |{}|}}",
                            mm.latex,
                            sm.latex,
                            self.dn_b().latex
                        ),
                    ),
                ],
            ),
            Row::rel(
                Math::default(),
                m("≤", r"\le"),
                vec![
                    decimal_up(&bb.polynomial),
                    decimal_up(&bb.tail).prefixed("+ "),
                    decimal_up(&bb.total()).prefixed("= "),
                ],
            ),
        ]));
        blocks
    }

    fn bound(&self, b: &Result<SupBound, BoundError>) -> Section {
        let msg = self.msg;
        let mut blocks = Vec::new();
        match b {
            Ok(b) => {
                let r = decimal(&b.radius);
                blocks.push(para(
                    msg.bound_result,
                    &[
                        Math::new(
                            format!("|R(x)| ≤ K |x|_∞^{}", b.order),
                            format!(r"|R(x)| \le K\, |x|_\infty^{{{}}}", b.order),
                        ),
                        Math::new(
                            format!("|x|_∞ ≤ {}", r.text),
                            format!(r"|x|_\infty \le {}", r.latex),
                        ),
                        {
                            let k = decimal_up(&b.k);
                            Math::same("K = ").then(&k.text, &k.latex)
                        },
                    ],
                ));
                // What the bound is worth: a value attained, and how it was found.
                let ratio_name = Math::new(
                    format!("|R(x)|/|x|_∞^{}", b.order),
                    format!(r"|R(x)|/|x|_\infty^{{{}}}", b.order),
                );
                let attained = Math::same(crate::certificate::decimal_text(&b.attained));
                let mut p = if num_traits::Zero::is_zero(&b.attained) {
                    fill(msg.bound_attained, &[ratio_name, attained])
                } else {
                    let factor = crate::certificate::decimal_up(&(&b.k / &b.attained));
                    fill(
                        msg.bound_attained_ratio,
                        &[ratio_name, attained, Math::same(factor)],
                    )
                };
                if !b.converged {
                    p.push(Inline::Text(" ".into()));
                    p.extend(fill(msg.bound_not_converged, &[]));
                }
                p.push(Inline::Text(" ".into()));
                p.extend(fill(
                    msg.bound_method,
                    &[
                        Math::same(b.order.saturating_sub(1).to_string()),
                        Math::new(
                            format!("(a·x)^{} Φ(a·x)", b.order),
                            format!(r"(a\cdot x)^{{{}}}\, \Phi(a\cdot x)", b.order),
                        ),
                        Math::new("Φ", r"\Phi"),
                        Math::same(b.cells.to_string()),
                        Math::same(b.boxes.to_string()),
                    ],
                ));
                blocks.push(Block::Para(p));
            }
            Err(e) => blocks.push(Block::Para(words(format!(
                "{} {}",
                msg.bound_none,
                super::why::bound(e, msg)
            )))),
        }
        Section {
            heading: words(msg.h_bound),
            blocks,
        }
    }

    fn certificate(&self, c: &Result<Certificate, CertificateError>) -> Section {
        let (msg, n) = (self.msg, self.n);
        let mut blocks = Vec::new();
        match c {
            Ok(c) => {
                let lr = &c.lambda * &c.radius;
                let lam = decimal(&c.lambda);
                let big_r = decimal(&c.radius);
                let eps = decimal(&c.epsilon);
                blocks.push(para(
                    msg.cert_intro,
                    &[
                        Math::new(
                            format!("λ = {}", lam.text),
                            format!(r"\lambda = {}", lam.latex),
                        ),
                        Math::new(
                            format!("|x_i| ≤ R = {}", big_r.text),
                            format!(r"|x_i| \le R = {}", big_r.latex),
                        ),
                        Math::new(
                            format!("ε = {}", eps.text),
                            format!(r"\varepsilon = {}", eps.latex),
                        ),
                    ],
                ));
                blocks.push(Block::Display(vec![Row::eq(
                    Math::new(
                        format!("f_λ(x) - {}", self.prod.text),
                        format!(r"f_\lambda(x) - {}", self.prod.latex),
                    ),
                    Math::new(
                        format!("R(λx) / λ^{n}, |λ x_i| ≤ λR = {}", decimal(&lr).text),
                        format!(
                            r"\frac{{R(\lambda x)}}{{\lambda^{{{n}}}}}, \qquad |\lambda x_i| \le \lambda R = {}",
                            decimal(&lr).latex
                        ),
                    ),
                )]));
                let r_math = m("λR", r"\lambda R");
                blocks.extend(self.chain(&c.detail, &r_math));
                blocks.push(para(msg.cert_final, &[]));
                blocks.push(Block::Display(vec![Row::rel(
                    Math::new(
                        format!("sup_(|x_i| ≤ R) |f_λ(x) - {}|", self.prod.text),
                        format!(r"\sup_{{|x_i| \le R}} |f_\lambda(x) - {}|", self.prod.latex),
                    ),
                    m("≤", r"\le"),
                    vec![
                        Math::new(
                            format!("{} / λ^{n}", decimal_up(&c.detail.total()).text),
                            format!(
                                r"\frac{{{}}}{{\lambda^{{{n}}}}}",
                                decimal_up(&c.detail.total()).latex
                            ),
                        ),
                        decimal(&c.error_bound).after("≤ ", r"\le "),
                        eps.after("≤ ε = ", r"\le \varepsilon = "),
                    ],
                )]));
            }
            Err(e) => blocks.push(Block::Para(words(format!(
                "{} {}",
                msg.cert_none,
                super::why::certificate(e, msg)
            )))),
        }
        Section {
            heading: words(msg.h_certificate),
            blocks,
        }
    }

    fn notes(&self) -> Vec<Vec<Inline>> {
        let (msg, n) = (self.msg, self.n);
        let mut notes = Vec::new();
        if n == 2 {
            // R(u, -u) = -sum_{k>=2} 2 c_2k (2u)^2k / (4 sigma''(b)): its first non-zero term.
            let first = self
                .r
                .taylor
                .iter()
                .enumerate()
                .skip(4)
                .step_by(2)
                .find(|(_, c)| !c.is_zero());
            // The note says R(u, -u) does not vanish: only when its first term is proved
            // non-zero (`sin(1)^2 + cos(1)^2 - 1` is not structurally zero, and it is zero).
            let proved = first.as_ref().map(|(_, c)| c.sign());
            match first {
                Some(_) if !matches!(proved, Some(Sign::Positive | Sign::Negative)) => {
                    notes.push(fill(
                        msg.note_slides_order_undecided,
                        &[m("O((u+v)^3)", r"O\bigl((u+v)^3\bigr)")],
                    ))
                }
                Some((k, c)) if !self.r.remainder.exact => {
                    let scale = Const::from_rational(num_rational::BigRational::from_integer(
                        BigInt::from(2) << (k as u32),
                    ));
                    // -2 c_k 2^k / (4 sigma''(b)) = -c_k 2^k / (2 sigma''(b))
                    let value = (-&(c * &scale)).checked_div(&(&int(4) * &self.dn)).ok();
                    if let Some(v) = value {
                        let lead = self.print.signed_sum(&[(v, power("u", k))]);
                        notes.push(fill(
                            msg.note_slides_order,
                            &[
                                m("O((u+v)^3)", r"O\bigl((u+v)^3\bigr)"),
                                Math::same(
                                    self.r
                                        .remainder
                                        .order
                                        .map_or_else(|| "?".into(), |k| k.to_string()),
                                ),
                                symbol("u_eq_minus_v"),
                                Math::new(
                                    format!("R(u, -u) = {} + O(u^{})", joined(&lead).text, k + 2),
                                    format!(
                                        r"R(u, -u) = {} + O(u^{{{}}})",
                                        joined(&lead).latex,
                                        k + 2
                                    ),
                                ),
                            ],
                        ));
                    }
                }
                _ => notes.push(fill(
                    msg.note_slides_order_exact,
                    &[m("O((u+v)^3)", r"O\bigl((u+v)^3\bigr)")],
                )),
            }
            notes.push(fill(
                msg.note_slides_half,
                &[m("u^2 σ''/2", r"\frac{u^2 \sigma''}{2}"), m("2uv", "2uv")],
            ));
        }
        notes.push(fill(
            msg.note_paper_lambda,
            &[symbol("lambda_to_inf"), symbol("lambda_to_0")],
        ));
        if n >= 3 {
            notes.push(fill(
                msg.note_eq28,
                &[Math::new(
                    format!("2^n {}", self.dn_b().text),
                    format!(r"2^n\, {}", self.dn_b().latex),
                )],
            ));
        }
        if n == 2 {
            if let Some(d4) = self.derivative(4) {
                let coef = d4.checked_div(&(&int(12) * &self.dn)).ok();
                if let Some(coef) = coef {
                    let mut sq = self
                        .print
                        .signed_sum(&[(int(1), power("x", 2)), (coef, power("x", 4))]);
                    if !self.r.remainder.exact {
                        sq.push(big_o("x", "x", 6).prefixed("+ "));
                    }
                    let sq = joined(&sq);
                    notes.push(fill(
                        msg.note_squaring,
                        &[
                            m(
                                "[σ(b+x) + σ(b-x) - 2σ(b)] / σ''(b)",
                                r"\frac{\sigma(b+x) + \sigma(b-x) - 2\sigma(b)}{\sigma''(b)}",
                            ),
                            sq,
                            m("1/(2 σ''(0))", r"\frac{1}{2\sigma''(0)}"),
                            m("x^2/2", r"x^2/2"),
                        ],
                    ));
                }
            }
        }
        notes
    }

    fn digits(&self, digits: u32) -> Section {
        let msg = self.msg;
        let approx = |c: &Const| match crate::interval::guaranteed_digits(c, digits) {
            Some(d) => {
                let latex = match d.split_once('e') {
                    Some((mant, exp)) => format!(r"{mant} \cdot 10^{{{exp}}}"),
                    None => d.clone(),
                };
                Math::new(d, latex)
            }
            None => Math::new("?", r"\text{?}"),
        };
        let mut rows = vec![Row::rel(
            self.dn_b(),
            m("≈", r"\approx"),
            vec![approx(&self.dn)],
        )];
        for t in &self.r.expansion {
            rows.push(Row::rel(
                Math::new(
                    format!("[{}]", monomial(&t.powers, &self.names).text),
                    format!(r"[{}]", monomial(&t.powers, &self.names).latex),
                ),
                m("≈", r"\approx"),
                vec![approx(&t.coefficient)],
            ));
        }
        Section {
            heading: words(msg.h_digits),
            blocks: vec![
                para(msg.digits_intro, &[Math::same(digits.to_string())]),
                Block::Display(rows),
            ],
        }
    }
}

/// `(u+v)^m - (u-v)^m = 2 sum_{j odd} C(m, j) u^(m-j) v^j`, expanded, and factored as
/// `g uv (...)` when that is shorter.
fn binomial_identity(mm: usize) -> Row {
    let mut coefs: Vec<(usize, BigInt)> = Vec::new();
    let mut binom = BigInt::from(1);
    for j in 0..=mm {
        if j % 2 == 1 {
            coefs.push((j, &binom * 2));
        }
        binom = binom * (mm - j) / (j + 1);
    }
    let names = vec!["u".to_string(), "v".to_string()];
    let g = coefs.iter().fold(BigInt::from(0), |a, (_, c)| {
        num_integer::Integer::gcd(&a, c)
    });
    let terms: Vec<(Const, Math)> = coefs
        .iter()
        .map(|(j, c)| {
            (
                Const::from_rational(num_rational::BigRational::from_integer(c.clone())),
                monomial(&[(mm - j) as i32, *j as i32], &names),
            )
        })
        .collect();
    let mut rhs = signed_sum(&terms);
    if coefs.len() > 1 {
        let inner: Vec<(Const, Math)> = coefs
            .iter()
            .map(|(j, c)| {
                (
                    Const::from_rational(num_rational::BigRational::from_integer(c / &g)),
                    monomial(&[(mm - j - 1) as i32, (*j - 1) as i32], &names),
                )
            })
            .collect();
        let inner = joined(&signed_sum(&inner));
        rhs.push(Math::new(
            format!("= {g}uv({})", inner.text),
            format!(r"= {g}uv\left({}\right)", inner.latex),
        ));
    }
    Row::eq_pieces(
        Math::new(
            format!("(u+v)^{mm} - (u-v)^{mm}"),
            format!("(u+v)^{{{mm}}} - (u-v)^{{{mm}}}"),
        ),
        rhs,
    )
}

impl Math {
    /// `self` with a prefix in both spellings (`+ `, `= `).
    pub fn prefixed(&self, p: &str) -> Math {
        Math::new(format!("{p}{}", self.text), format!("{p}{}", self.latex))
    }

    /// `self` after a prefix spelt differently in text and LaTeX (`≤ ` and `\le `).
    pub fn after(&self, text: &str, latex: &str) -> Math {
        Math::new(
            format!("{text}{}", self.text),
            format!("{latex}{}", self.latex),
        )
    }
}

/// The reason of a verdict in words of the language `msg`, with its mathematics inline.
pub fn reason(why: &Reason, n: usize, msg: &Messages) -> Vec<Inline> {
    let dn_at = |point: &str| deriv_at(n, point);
    let dn_at_c = |b: &Const| deriv(n).then(&format!("({b})"), &format!("({})", b.to_latex()));
    let is = |lhs: Math, rhs: &Const| {
        lhs.then(" = ", " = ")
            .then(&rhs.to_string(), &rhs.to_latex())
    };
    let nonzero = |m: Math| m.then(" ≠ 0", r" \ne 0");
    let n_math = Math::same(n.to_string());
    let product = super::math::product(&input_names(n));
    let at_zero = |z: &AtZero| -> Vec<Inline> {
        match z {
            AtZero::Vanishes => fill(msg.reason_zero_vanishes, &[is(dn_at("0"), &Const::zero())]),
            AtZero::Undecided(v) => fill(msg.reason_zero_undecided, &[is(dn_at("0"), v)]),
            AtZero::NotSmooth(e) => {
                let mut p = fill(msg.reason_zero_not_smooth, &[]);
                p.push(Inline::Text(format!(
                    " ({})",
                    super::why::with_detail(msg, msg.why_engine, e)
                )));
                p
            }
        }
    };
    let then = |mut first: Vec<Inline>, rest: Vec<Inline>| {
        first.push(Inline::Text("; ".into()));
        first.extend(rest);
        first
    };
    match why {
        Reason::Pending => vec![],
        Reason::Admits {
            bias,
            derivative,
            at_zero: z,
        } => {
            if bias.is_zero() {
                return fill(
                    msg.reason_admits_zero,
                    &[nonzero(is(dn_at("0"), derivative))],
                );
            }
            let found = fill(
                msg.reason_admits_bias,
                &[
                    is(Math::same("b"), bias),
                    nonzero(is(dn_at("b"), derivative)),
                ],
            );
            match z {
                Some(z) => then(at_zero(z), found),
                None => found,
            }
        }
        Reason::LowDegree { pieces, degree } => {
            let low = Math::new(format!("{degree} < {n}"), format!("{degree} < {n}"));
            if *pieces <= 1 {
                let template = if *degree <= 1 {
                    msg.reason_affine
                } else {
                    msg.reason_polynomial
                };
                fill(template, &[low, deriv(n), n_math, product])
            } else {
                let template = if *degree <= 1 {
                    msg.reason_piecewise_affine
                } else {
                    msg.reason_piecewise
                };
                fill(
                    template,
                    &[
                        Math::same(pieces.to_string()),
                        low,
                        deriv(n).then(" = 0", " = 0"),
                        n_math,
                        product,
                    ],
                )
            }
        }
        Reason::Vanishes { bias } => {
            fill(msg.reason_vanishes, &[is(dn_at_c(bias), &Const::zero())])
        }
        Reason::Unproved { bias, value } => fill(msg.reason_unproved, &[is(dn_at_c(bias), value)]),
        Reason::NotExpandable { bias, error } => {
            let mut p = fill(msg.reason_not_expandable, &[Math::konst(bias)]);
            p.push(Inline::Text(format!(
                ": {}",
                super::why::with_detail(msg, msg.why_engine, error)
            )));
            p
        }
        Reason::NoBias { at_zero: z } => then(at_zero(z), fill(msg.reason_no_bias, &[dn_at("b")])),
    }
}

/// [`reason`] as one plain-text sentence (the text spelling of its mathematics).
pub fn reason_text(why: &Reason, n: usize, lang: Lang) -> String {
    super::render::text_inlines(&reason(why, n, lang.messages()))
}
