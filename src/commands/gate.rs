//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::bound::{gate_remainder, BoundError, SupBound};
use crate::certificate::{
    certify, decimal_down, decimal_text, decimal_up, BoxBound, Certificate, CertificateError,
};
use crate::expr::{Definitions, Expr};
use crate::gate::{
    analyze, input_names, polynomial_text, signed_sum_text, GateOptions, GateReport, Term, Verdict,
};
use crate::number::Const;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Output formats of `gate`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateFormat {
    /// The derivation, step by step.
    Text,
    /// Machine-readable.
    Json,
}

/// Arguments of `taylorgate gate`.
#[derive(clap::Args, Debug, Clone)]
pub struct GateArgs {
    /// The activation: an expression in `x`, or the name of a definition (`softplus`).
    pub activation: String,
    /// Number of inputs n (2^n hidden neurons).
    #[arg(long, default_value_t = 2)]
    pub inputs: usize,
    /// Total degree of the expansion (default n + 4).
    #[arg(long)]
    pub degree: Option<usize>,
    /// Force the bias b (an exact expression, e.g. `ln(3)`).
    #[arg(long)]
    pub bias: Option<String>,
    /// A `.tg` file with definitions.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GateFormat::Text)]
    pub format: GateFormat,
    /// Also print the exact values to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    /// Certify a scale lambda with sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (e.g. `1e-6`).
    #[arg(long)]
    pub epsilon: Option<String>,
    /// The radius R of the input box |x_i| <= R (remainder bound and certificate).
    #[arg(long, default_value = "1")]
    pub radius: String,
    /// Skip the rigorous remainder bound.
    #[arg(long)]
    pub no_bound: bool,
    /// Certify or refute this scale: sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (needs `--epsilon`), by branch and bound.
    #[arg(long)]
    pub lambda: Option<String>,
}

/// Turns the `ACT` argument into a built-in-only expression in `x`: the name of a one-argument
/// definition means `name(x)`.
pub fn activation_expr(text: &str, defs: &Definitions) -> Result<Expr, crate::Error> {
    let name = text.trim();
    if let Some(f) = crate::expr::Func::from_name(name).filter(|f| f.arity() == 1) {
        return Ok(Expr::call(f, Expr::var("x")));
    }
    let expr = match defs.function(name) {
        Some(def) if def.params.len() == 1 => {
            Expr::Apply(text.trim().to_string(), vec![Expr::var("x")])
        }
        Some(def) => {
            return Err(crate::Error::Usage(format!(
                "`{text}` takes {} arguments; an activation takes one",
                def.params.len()
            )))
        }
        None => crate::parse::parse_expr(text, defs)?,
    };
    let inlined = crate::diff::inline_definitions(&expr, defs)?;
    let mut free = inlined.free_variables();
    free.retain(|v| v != "x");
    if !free.is_empty() {
        return Err(crate::Error::Usage(format!(
            "the activation must be an expression in x; it also uses {}",
            free.join(", ")
        )));
    }
    Ok(inlined)
}

/// Parses an exact point such as `ln(3)`.
pub fn parse_point(text: &str, defs: &Definitions) -> Result<Const, crate::Error> {
    let e = crate::parse::parse_expr(text, defs)?;
    let e = crate::diff::inline_definitions(&e, defs)?;
    Ok(Const::from_expr(&e)?)
}

/// Runs `taylorgate gate`.
pub fn run(args: &GateArgs) -> Result<Outcome, crate::Error> {
    let defs = super::load_definitions(args.file.as_deref())?;
    let sigma = activation_expr(&args.activation, &defs)?;
    let bias = args
        .bias
        .as_deref()
        .map(|b| parse_point(b, &defs))
        .transpose()?;
    let radius = crate::certificate::parse_rational(&args.radius)
        .map_err(|e| crate::Error::Usage(format!("--radius: {e}")))?;
    let epsilon = args
        .epsilon
        .as_deref()
        .map(crate::certificate::parse_rational)
        .transpose()
        .map_err(|e| crate::Error::Usage(format!("--epsilon: {e}")))?;
    // A certificate may need the Lagrange order n + 6 (when the order-(n+2) term vanishes).
    let degree = args
        .degree
        .or_else(|| epsilon.as_ref().map(|_| args.inputs + 6));
    let options = GateOptions {
        inputs: args.inputs,
        degree,
        bias,
    };
    let report = analyze(&sigma, &options).map_err(|e| crate::Error::Usage(e.to_string()))?;
    let status = if report.verdict == Verdict::Admits {
        Status::Done
    } else {
        Status::Negative
    };
    let admits = report.verdict == Verdict::Admits;
    let remainder = (admits && !args.no_bound)
        .then(|| gate_remainder(&report, &radius, &crate::bound::default_limits()));
    let lambda = args
        .lambda
        .as_deref()
        .map(crate::certificate::parse_rational)
        .transpose()
        .map_err(|e| crate::Error::Usage(format!("--lambda: {e}")))?;
    if lambda.is_some() && epsilon.is_none() {
        return Err(crate::Error::Usage("--lambda needs --epsilon".into()));
    }
    let given = match (&lambda, &epsilon, admits) {
        (Some(l), Some(eps), true) => Some((
            l.clone(),
            crate::bound::gate_lambda(&report, l, eps, &radius, &crate::bound::default_limits()),
        )),
        _ => None,
    };
    let certificate = match (&epsilon, admits, &given) {
        (Some(eps), true, None) => Some(certify(&report, eps, &radius)),
        _ => None,
    };
    Ok(match args.format {
        GateFormat::Json => {
            let mut v = report_json(&report);
            if let Some(d) = args.digits {
                add_approx_json(&mut v, &report, d);
            }
            if let Some(r) = &remainder {
                v["remainder_bound"] = remainder_json(r);
            }
            if let Some(c) = &certificate {
                v["certificate"] = certificate_json(c);
            }
            if let Some((l, g)) = &given {
                v["lambda_check"] = lambda_json(l, g);
            }
            Outcome::json(&v, status)
        }
        GateFormat::Text => {
            let mut output = report_text(&report);
            if let Some(r) = &remainder {
                output.push_str(&remainder_text(r, &report));
            }
            if let Some(c) = &certificate {
                output.push_str(&certificate_text(c, &report));
            }
            if let Some((l, g)) = &given {
                output.push_str(&lambda_text(l, g, &report, &radius, epsilon.as_ref()));
            }
            if let Some(d) = args.digits {
                output.push_str(&approx_text(&report, d));
            }
            Outcome { output, status }
        }
    })
}

/// Adds guaranteed digits to the JSON of a report: `derivative_at_bias_approx`, an `approx`
/// key in every expansion term, and `approx` (parallel to `A2`) beside the output weights.
pub fn add_approx_json(v: &mut Value, r: &GateReport, digits: u32) {
    let approx = |c: &Const| json!(crate::interval::guaranteed_digits(c, digits));
    if let Some(dn) = &r.derivative_at_bias {
        v["derivative_at_bias_approx"] = approx(dn);
    }
    if let Some(terms) = v.get_mut("expansion").and_then(Value::as_array_mut) {
        for (t, term) in terms.iter_mut().zip(&r.expansion) {
            t["approx"] = approx(&term.coefficient);
        }
    }
    if v.get("A2").is_some() {
        v["A2_approx"] = Value::Array(r.a2.iter().map(approx).collect());
    }
}

/// The guaranteed digits of the report's exact values, as text.
fn approx_text(r: &GateReport, digits: u32) -> String {
    let names = input_names(r.inputs);
    let mut o = format!(
        "
Guaranteed digits ({digits} significant, error < 1 ulp):
"
    );
    if let Some(dn) = &r.derivative_at_bias {
        o.push_str(&format!(
            "   σ^({})(b) = {dn} ≈ {}
",
            r.inputs,
            super::diff::approx_text(dn, digits)
        ));
    }
    for t in &r.expansion {
        let mono = polynomial_text(
            &[Term {
                powers: t.powers.clone(),
                coefficient: Const::one(),
            }],
            &names,
        );
        o.push_str(&format!(
            "   [{mono}] {} ≈ {}\n",
            t.coefficient,
            super::diff::approx_text(&t.coefficient, digits)
        ));
    }
    o
}

/// The JSON of a remainder bound (or of the reason there is none).
fn remainder_json(r: &Result<SupBound, BoundError>) -> Value {
    match r {
        Ok(r) => json!({
            "statement": format!("|R(x)| <= K |x|_inf^{} for |x|_inf <= r", r.order),
            "K": r.k.to_string(),
            "order": r.order,
            "radius": r.radius.to_string(),
            "attained": r.attained.to_string(),
            "converged": r.converged,
            "boxes": r.boxes,
            "cells": r.cells,
            "method": r.method,
        }),
        Err(e) => json!({"error": format!("no rigorous bound: {e}")}),
    }
}

fn lambda_json(
    l: &num_rational::BigRational,
    g: &Result<crate::bound::SupReport, BoundError>,
) -> Value {
    use crate::bound::SupVerdict;
    match g {
        Ok(g) => {
            let mut v = json!({
                "lambda": l.to_string(),
                "verdict": match &g.verdict { SupVerdict::Proved => "certified", SupVerdict::Refuted { .. } => "refuted", SupVerdict::Undecided { .. } => "undecided" },
                "upper": g.upper.to_string(),
                "lower": g.lower.to_string(),
                "boxes": g.boxes,
                "method": g.method,
            });
            if let SupVerdict::Refuted { witness, value } = &g.verdict {
                v["witness"] = json!(witness.iter().map(|q| q.to_string()).collect::<Vec<_>>());
                v["value"] = json!([value.0.to_string(), value.1.to_string()]);
            }
            v
        }
        Err(e) => json!({"lambda": l.to_string(), "error": e.to_string()}),
    }
}

fn lambda_text(
    l: &num_rational::BigRational,
    g: &Result<crate::bound::SupReport, BoundError>,
    report: &GateReport,
    radius: &num_rational::BigRational,
    eps: Option<&num_rational::BigRational>,
) -> String {
    use crate::bound::SupVerdict;
    let product = input_names(report.inputs).join("*");
    let eps = eps.map(decimal_text).unwrap_or_default();
    let mut o = format!(
        "\n7. The given scale λ = {l}: is sup over |x_i| ≤ {} of |f_λ(x) - {product}| ≤ ε = {eps}?\n",
        decimal_text(radius)
    );
    match g {
        Ok(g) => {
            match &g.verdict {
                SupVerdict::Proved => o.push_str(&format!(
                    "   CERTIFIED: every box is below ε (sup ≤ {}, reaches {}; {} boxes)\n",
                    decimal_text(&g.upper),
                    decimal_text(&g.lower),
                    g.boxes
                )),
                SupVerdict::Refuted { witness, value } => o.push_str(&format!(
                    "   REFUTED at x = ({}): f_λ(x) - {product} lies in [{}, {}], beyond ε\n",
                    witness
                        .iter()
                        .map(|q| q.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    decimal_down(&value.0),
                    decimal_up(&value.1)
                )),
                SupVerdict::Undecided { reason } => o.push_str(&format!(
                    "   UNDECIDED ({reason}): {} ≤ sup ≤ {}\n",
                    decimal_text(&g.lower),
                    decimal_text(&g.upper)
                )),
            }
            o.push_str(&format!("   method: {}\n", g.method));
        }
        Err(e) => o.push_str(&format!("   no decision: {e}\n")),
    }
    o
}

/// The JSON of a certificate.
fn certificate_json(c: &Result<Certificate, CertificateError>) -> Value {
    match c {
        Ok(c) => json!({
            "epsilon": c.epsilon.to_string(),
            "radius": c.radius.to_string(),
            "lambda": c.lambda.to_string(),
            "error_bound": c.error_bound.to_string(),
            "method": c.method,
            "lagrange_order": c.detail.order,
            "derivative_bound": c.detail.derivative_bound.to_string(),
        }),
        Err(e) => json!({"error": format!("no certificate: {e}")}),
    }
}

fn bound_chain(b: &BoxBound, n: usize, r_text: &str) -> String {
    let m = b.order;
    let signs = (1..=n)
        .map(|i| format!("s_{i}"))
        .collect::<Vec<_>>()
        .join(" + ");
    format!(
        "   neuron arguments b + s·y lie in [{}, {}]; M_{m} = sup |σ^({m})| there ≤ {} (Taylor arithmetic on enclosures)\n   S_{m} = Σ_s |{signs}|^{m} = {}\n   sup |R(y)| over |y|_inf ≤ {r_text} ≤ Σ_(n<d<{m}) A_d r^d + M_{m} S_{m} r^{m} / ({m}! 2^{n} |σ^({n})(b)|)\n                              ≤ {} + {} = {}\n",
        decimal_down(&b.arguments.0),
        decimal_up(&b.arguments.1),
        decimal_up(&b.derivative_bound),
        b.corner_sum,
        decimal_up(&b.polynomial),
        decimal_up(&b.tail),
        decimal_up(&b.total()),
    )
}

fn remainder_text(r: &Result<SupBound, BoundError>, report: &GateReport) -> String {
    let mut o = format!(
        "\n6. A rigorous bound of the remainder R(x) = f(x) - {}:\n",
        input_names(report.inputs).join("*")
    );
    match r {
        Ok(r) => {
            let m = r.order;
            o.push_str(&format!(
                "   |R(x)| ≤ {} |x|_inf^{m} for |x|_inf ≤ {}\n   |R(x)|/|x|_inf^{m} reaches {} (so K is within {}x of the truth){}\n   method: {}\n",
                decimal_text(&r.k),
                decimal_text(&r.radius),
                decimal_text(&r.attained),
                if num_traits::Zero::is_zero(&r.attained) {
                    "-".to_string()
                } else {
                    decimal_up(&(&r.k / &r.attained))
                },
                if r.converged { "" } else { "; the search stopped at its limit" },
                r.method
            ));
        }
        Err(e) => o.push_str(&format!("   no rigorous bound: {e}\n")),
    }
    o
}

fn certificate_text(c: &Result<Certificate, CertificateError>, report: &GateReport) -> String {
    let n = report.inputs;
    let product = input_names(n).join("*");
    let mut o = String::from("\n7. Certificate:\n");
    match c {
        Ok(c) => {
            let lr = &c.lambda * &c.radius;
            o.push_str(&format!(
                "   λ = {}, R = {}, ε = {}\n   f_λ(x) - {product} = R(λx)/λ^{n}, and |λ x_i| ≤ λR = {}\n",
                c.lambda,
                decimal_text(&c.radius),
                decimal_text(&c.epsilon),
                lr
            ));
            o.push_str(&bound_chain(&c.detail, n, &lr.to_string()));
            o.push_str(&format!(
                "   sup over |x_i| ≤ {} of |f_λ(x) - {product}| ≤ ({}) / λ^{n} ≤ {} ≤ ε = {}\n   method: {}\n",
                decimal_text(&c.radius),
                decimal_up(&c.detail.total()),
                decimal_text(&c.error_bound),
                decimal_text(&c.epsilon),
                c.method
            ));
        }
        Err(e) => o.push_str(&format!("   no certificate: {e}\n")),
    }
    o
}

fn terms_json(terms: &[Term]) -> Value {
    Value::Array(
        terms
            .iter()
            .map(|t| json!({"powers": t.powers, "coefficient": t.coefficient.to_string()}))
            .collect(),
    )
}

/// The JSON object of a gate report.
pub fn report_json(r: &GateReport) -> Value {
    let opt = |c: &Option<Const>| {
        c.as_ref()
            .map(|c| Value::String(c.to_string()))
            .unwrap_or(Value::Null)
    };
    let admits = r.verdict == Verdict::Admits;
    let mut v = json!({
        "activation": r.activation.to_string(),
        "inputs": r.inputs,
        "admits": admits,
        "verdict": match r.verdict { Verdict::Admits => "admits", Verdict::DoesNotAdmit => "does not admit", Verdict::Undecided => "undecided" },
        "reason": r.reason,
        "bias": opt(&r.bias),
        "derivative_at_bias": opt(&r.derivative_at_bias),
        "hidden": r.hidden,
        "A1": r.a1,
    });
    if admits {
        let b = r.bias.as_ref().map(|b| b.to_string()).unwrap_or_default();
        let obj = v.as_object_mut().expect("object");
        obj.insert("b1".into(), json!(vec![b; r.hidden]));
        obj.insert(
            "A2".into(),
            json!(r.a2.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
        );
        obj.insert("degree".into(), json!(r.degree));
        obj.insert("expansion".into(), terms_json(&r.expansion));
        obj.insert(
            "remainder".into(),
            json!({
                "order": r.remainder.order,
                "exact": r.remainder.exact,
                "leading": terms_json(&r.remainder.leading),
                "searched_degree": r.remainder.searched_degree,
            }),
        );
    }
    v
}

fn series_text(c: &[Const], var: &str) -> String {
    let power = |k: usize| match k {
        0 => "1".to_string(),
        1 => var.to_string(),
        _ => format!("{var}^{k}"),
    };
    let sum = signed_sum_text(c.iter().enumerate().map(|(k, ck)| (ck, power(k))));
    format!("{sum} + O({var}^{})", c.len())
}

/// The derivation, the way the slides walk it, with the exact numbers.
pub fn report_text(r: &GateReport) -> String {
    let n = r.inputs;
    let names = input_names(n);
    let mut o = String::new();
    let act = r.activation.to_string();
    o.push_str(&format!("activation  σ(x) = {act}\n"));
    o.push_str(&format!(
        "inputs      n = {n} ({} hidden neurons)\n",
        r.hidden
    ));
    let verdict = match r.verdict {
        Verdict::Admits => "ADMITS the multiplication gate",
        Verdict::DoesNotAdmit => "DOES NOT ADMIT the multiplication gate",
        Verdict::Undecided => "UNDECIDED",
    };
    o.push_str(&format!("verdict     {verdict}\n"));
    o.push_str(&format!("reason      {}\n", r.reason));
    if r.verdict != Verdict::Admits {
        return o;
    }
    let b = r.bias.clone().unwrap_or_else(Const::zero);
    let dn = r.derivative_at_bias.clone().unwrap_or_else(Const::zero);
    let dname = match n {
        1 => "σ'".to_string(),
        2 => "σ''".to_string(),
        3 => "σ'''".to_string(),
        _ => format!("σ^({n})"),
    };
    o.push_str("\n1. Expand σ around the bias b (exact Taylor coefficients c_k = σ^(k)(b)/k!):\n");
    o.push_str(&format!(
        "   b = {b}\n   σ(b + t) = {}\n",
        series_text(&r.taylor, "t")
    ));
    o.push_str(&format!("   {dname}(b) = {dn}  (proved ≠ 0)\n"));

    o.push_str("\n2. The network f(x) = A2 σ(A1 x + b1):\n");
    let rows: Vec<String> = r.a1.iter().map(|s| format!("{s:?}")).collect();
    o.push_str(&format!("   A1 = [{}]\n", rows.join(", ")));
    o.push_str(&format!(
        "   b1 = ({})\n",
        vec![b.to_string(); r.hidden].join(", ")
    ));
    o.push_str(&format!(
        "   A2_s = (product of the signs of s) / (2^{n} {dname}(b)): A2 = ({})\n",
        r.a2.iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if n == 2 {
        o.push_str("   f(u, v) = [σ(b+u+v) + σ(b-u-v) - σ(b+u-v) - σ(b-u+v)] / (4 σ''(b))\n");
    }

    o.push_str("\n3. The signed sum, and what cancels:\n");
    o.push_str(&format!(
        "   Each neuron s contributes ±Σ_k c_k (s·x)^k. A monomial x^α of (s·x)^k survives the\n   signed sum over all 2^{n} sign vectors only when every exponent α_i is odd, so all\n   terms of degree < {n} vanish, the constant σ(b) cancels (the weights sum to zero),\n   and the surviving degree-{n} term is c_{n} · {n}! · {} · 2^{n} / (2^{n} {dname}(b)) = {}.\n",
        names.join("*"),
        names.join("*")
    ));
    if n == 2 {
        o.push_str("   For n = 2: σ(b+t) + σ(b-t) = 2 Σ c_2k t^2k is even, so every odd power of t cancels,\n   whatever σ is; (u+v)^2 - (u-v)^2 = 4uv gives 2 c_2 · 4uv / (4 σ''(b)) = uv.\n");
    }

    o.push_str(&format!(
        "\n4. The exact result through total degree {}:\n",
        r.degree
    ));
    o.push_str(&format!(
        "   f({}) = {} + O(|x|^{})\n",
        names.join(", "),
        polynomial_text(&r.expansion, &names),
        r.degree + 1
    ));
    match (r.remainder.order, r.remainder.exact) {
        (Some(k), _) => {
            o.push_str(&format!(
                "   remainder: order {k}, leading terms {}\n",
                polynomial_text(&r.remainder.leading, &names)
            ));
            if n == 2 && k == 4 && r.taylor.len() > 4 {
                let c4 = crate::gate::derivative_from_coefficient(&r.taylor[4], 4);
                if let Ok(ratio) = c4.checked_div(&(&Const::from_int(6) * &dn)) {
                    o.push_str(&format!(
                        "   = σ''''(b)/(6 σ''(b)) · uv(u^2 + v^2) with σ''''(b) = {c4}: coefficient {ratio}\n"
                    ));
                }
            }
        }
        (None, true) => o.push_str("   remainder: none — the gate is exact (σ is a polynomial of degree ≤ the expansion degree near b)\n"),
        (None, false) => o.push_str(&format!(
            "   remainder: no non-zero term through degree {}\n",
            r.remainder.searched_degree
        )),
    }

    o.push_str("\n5. Scaling: f_λ(x) = λ^-n A2 σ(λ A1 x + b1) multiplies every term of degree m by λ^(m-n):\n");
    match r.remainder.order {
        Some(k) => o.push_str(&format!(
            "   f_λ = {} + λ^{} ({}) + ..., so f_λ → {} as λ → 0 on every compact set.\n",
            names.join("*"),
            k - n,
            polynomial_text(&r.remainder.leading, &names),
            names.join("*")
        )),
        None if r.remainder.exact => o.push_str(
            "   the remainder is zero: f_λ equals the product wherever λ A1 x + b1 stays in the\n   polynomial piece around b (for every λ when σ is a polynomial).\n",
        ),
        None => o.push_str(&format!(
            "   no remainder term through degree {}: f_λ = {} + O(λ^{}) as λ → 0.\n",
            r.remainder.searched_degree,
            names.join("*"),
            r.remainder.searched_degree + 1 - n
        )),
    }
    o
}
