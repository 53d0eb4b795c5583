//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::expr::{Definitions, Expr};
use crate::gate::{analyze, input_names, polynomial_text, GateOptions, GateReport, Term, Verdict};
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
    let mut free = Vec::new();
    free_variables(&inlined, &mut free);
    free.retain(|v| v != "x");
    if !free.is_empty() {
        return Err(crate::Error::Usage(format!(
            "the activation must be an expression in x; it also uses {}",
            free.join(", ")
        )));
    }
    Ok(inlined)
}

/// The free variables of an expression, in order of appearance.
pub fn free_variables(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Var(v) => {
            if !out.contains(v) {
                out.push(v.clone())
            }
        }
        Expr::Num(_) | Expr::Pi | Expr::E => {}
        Expr::Neg(a) | Expr::Deriv(_, _, a) => free_variables(a, out),
        Expr::Bin(_, a, b) => {
            free_variables(a, out);
            free_variables(b, out);
        }
        Expr::Call(_, args) | Expr::Apply(_, args) | Expr::Vector(args) => {
            args.iter().for_each(|a| free_variables(a, out))
        }
        Expr::If(c, a, b) => {
            free_variables(&c.lhs, out);
            free_variables(&c.rhs, out);
            free_variables(a, out);
            free_variables(b, out);
        }
    }
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
    let options = GateOptions {
        inputs: args.inputs,
        degree: args.degree,
        bias,
    };
    let report = analyze(&sigma, &options).map_err(|e| crate::Error::Usage(e.to_string()))?;
    let status = if report.verdict == Verdict::Admits {
        Status::Done
    } else {
        Status::Negative
    };
    Ok(match args.format {
        GateFormat::Json => {
            let mut v = report_json(&report);
            if let Some(d) = args.digits {
                add_approx_json(&mut v, &report, d);
            }
            Outcome::json(&v, status)
        }
        GateFormat::Text => {
            let mut output = report_text(&report);
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
    let mut out = String::new();
    for (k, ck) in c.iter().enumerate() {
        if ck.zero_test() == crate::ZeroTest::Zero {
            continue;
        }
        let s = ck.to_string();
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) if !rest.contains(['+', '-']) => (true, rest.to_string()),
            _ => (false, s.clone()),
        };
        let body = if body.contains(['+', '-']) {
            format!("({body})")
        } else {
            body
        };
        let mono = match k {
            0 => String::new(),
            1 => var.to_string(),
            _ => format!("{var}^{k}"),
        };
        let term = match (body.as_str(), mono.is_empty()) {
            (b, true) => b.to_string(),
            ("1", false) => mono,
            (b, false) => format!("{b}*{mono}"),
        };
        if out.is_empty() {
            out.push_str(if neg { "-" } else { "" });
        } else {
            out.push_str(if neg { " - " } else { " + " });
        }
        out.push_str(&term);
    }
    if out.is_empty() {
        out.push('0');
    }
    format!("{out} + O({var}^{})", c.len())
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
        "   A2_s = s_1...s_{n} / (2^{n} {dname}(b)) = ±{}\n",
        r.a2.first().map(|c| c.to_string()).unwrap_or_default()
    ));
    if n == 2 {
        o.push_str("   f(u, v) = [σ(b+u+v) + σ(b-u-v) - σ(b+u-v) - σ(b-u+v)] / (4 σ''(b))\n");
    }

    o.push_str("\n3. The signed sum, and what cancels:\n");
    o.push_str(&format!(
        "   Each neuron s contributes ±Σ_k c_k (s·x)^k. A monomial x^α of (s·x)^k survives the\n   signed sum over all 2^{n} sign vectors only when every exponent α_i is odd, so all\n   terms of degree < {n} vanish, the constant σ(b) cancels (the weights sum to zero),\n   and the surviving degree-{n} term is c_{n} · {n}! · x_1...x_{n} · 2^{n} / (2^{n} {dname}(b)) = {}.\n",
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
        None => {
            o.push_str("   the remainder shown is zero, so f_λ equals the product for every λ.\n")
        }
    }
    o
}
