//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::certificate::{
    decimal_down, decimal_text, decimal_up, BoxBound, Certificate, CertificateError, RemainderBound,
};
use crate::gate::{input_names, polynomial_text, signed_sum_text, GateReport, Term, Verdict};
use crate::number::Const;
use crate::session::{GateRequest, GateResult};
use std::path::PathBuf;

/// Output formats of `gate`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateFormat {
    /// The derivation, step by step.
    Text,
    /// The schema `taylorgate/1` (`schema/gate.json`).
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
}

/// Runs `taylorgate gate`.
pub fn run(args: &GateArgs) -> Result<Outcome, crate::Error> {
    let session = super::session(args.file.as_deref())?;
    let result = session.gate(&GateRequest {
        activation: args.activation.clone(),
        inputs: args.inputs,
        degree: args.degree,
        bias: args.bias.clone(),
        epsilon: args.epsilon.clone(),
        radius: args.radius.clone(),
        digits: args.digits,
    })?;
    let report = &result.report;
    let status = if report.verdict == Verdict::Admits {
        Status::Done
    } else {
        Status::Negative
    };
    Ok(match args.format {
        GateFormat::Json => Outcome::report(&result.data, status),
        GateFormat::Text => Outcome {
            output: result_text(&result, args.digits),
            status,
        },
    })
}

/// The text `gate` prints: the derivation, the remainder bound, the certificate when asked,
/// and guaranteed digits when asked.
pub fn result_text(result: &GateResult, digits: Option<u32>) -> String {
    let report = &result.report;
    let mut output = report_text(report);
    if let Some(r) = &result.remainder_bound {
        output.push_str(&remainder_text(r, report));
    }
    if let Some(c) = &result.certificate {
        output.push_str(&certificate_text(c, report));
    }
    if let Some(d) = digits {
        output.push_str(&approx_text(report, d));
    }
    output
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

fn remainder_text(r: &Result<RemainderBound, CertificateError>, report: &GateReport) -> String {
    let mut o = format!(
        "\n6. A rigorous bound of the remainder R(x) = f(x) - {}:\n",
        input_names(report.inputs).join("*")
    );
    match r {
        Ok(r) => {
            o.push_str(&bound_chain(
                &r.detail,
                report.inputs,
                &decimal_text(&r.radius),
            ));
            o.push_str(&format!(
                "   so |R(x)| ≤ {} |x|_inf^{} for |x|_inf ≤ {}\n",
                decimal_text(&r.k),
                r.order,
                decimal_text(&r.radius)
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
