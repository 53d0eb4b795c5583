//! The library façade: a [`Session`] holds the definitions in scope and offers one entry point
//! per command (`expand`, `diff`, `gate`, `prove`, `list`, `scan`). Each returns a report whose
//! [`serde::Serialize`] form is the versioned JSON schema [`SCHEMA`] (documented as JSON Schema
//! files in `schema/`). The command line and the Python package both go through it, so they
//! produce the same data.
//!
//! Conventions of the schema `taylorgate/1`:
//!
//! * every object printed by a command has `"schema": "taylorgate/1"` and `"command"`;
//! * exact values are strings in the language (`"ln(2)"`, `"-1/12"`, `"1"`), counts and
//!   exponents are integers;
//! * guaranteed decimals (when asked) sit under `"approx"`, an object whose keys mirror the
//!   exact fields they approximate;
//! * an error is `{"schema", "command", "error": {"kind", "message", "line", "column"}}`.
//!
//! ```
//! use taylorgate::session::{ExpandRequest, Report, Session};
//!
//! let session = Session::new();
//! let report = session.expand(&ExpandRequest::new("softplus", 4))?;
//! assert_eq!(report.coefficients[0].to_string(), "ln(2)");
//! let json = serde_json::to_value(report.versioned())?;
//! assert_eq!(json["schema"], "taylorgate/1");
//! assert_eq!(json["coefficients"][4], "-1/192");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::bound::{self, SupBound, SupEnclosure, SupReport, SupVerdict};
use crate::budget::Budget;
use crate::certificate::float::{FloatCertificate, FloatFormat};
use crate::certificate::{self, Certificate, CertificateError};
use crate::expr::{Definitions, Expr, Program, Statement};
use crate::gate::{self, GateOptions, GateReport, Term, Verdict};
use crate::interval::guaranteed_digits;
use crate::ir::Probe;
use crate::number::Const;
use crate::prove::{self, ClaimReport, ComparedTerm};
use crate::series::{taylor, Series};
use crate::{Error, Place, UsageError};
use num_rational::BigRational;
use serde::{Serialize, Serializer};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The version of the JSON schema every command's `--format json` follows.
pub const SCHEMA: &str = "taylorgate/1";

/// Exact constants serialize as their text in the language (`ln(2)`, `-1/12`).
impl Serialize for Const {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A report with the schema version and the command it answers, as printed.
#[derive(Serialize)]
pub struct Versioned<'a, T: Serialize> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The command (`expand`, `diff`, `gate`, `prove`, `list`, `scan`).
    pub command: &'static str,
    /// The report's own fields.
    #[serde(flatten)]
    pub data: &'a T,
}

/// A report type: knows the command it answers.
pub trait Report: Serialize + Sized {
    /// The command name.
    const COMMAND: &'static str;

    /// The report with its schema version, ready to serialize.
    fn versioned(&self) -> Versioned<'_, Self> {
        Versioned {
            schema: SCHEMA,
            command: Self::COMMAND,
            data: self,
        }
    }

    /// Pretty-printed JSON with a trailing newline.
    fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.versioned()).expect("reports serialize");
        s.push('\n');
        s
    }
}

/// The definitions in scope (the built-in library, plus those of loaded files), the budget of
/// the computations (deadline, memory limit, cancel flag) and the entry points of the commands.
#[derive(Clone, Debug)]
pub struct Session {
    defs: Definitions,
    budget: Budget,
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

impl Session {
    /// A session with the built-in library of activations in scope and no limits (only the
    /// cancel flag of [`Session::cancel_flag`]).
    pub fn new() -> Session {
        Session {
            defs: crate::library::definitions(),
            budget: Budget::new(),
        }
    }

    /// The same session whose [`Session::run`] obeys `budget`.
    pub fn with_budget(mut self, budget: Budget) -> Session {
        self.budget = budget;
        self
    }

    /// The flag that stops a computation of [`Session::run`] when set (from any thread).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.budget.cancel_flag()
    }

    /// Runs `f` under the session's budget: a time-out, the memory limit or the cancel flag
    /// stop it with [`Error::Interrupted`].
    pub fn run<T>(&self, f: impl FnOnce(&Session) -> Result<T, Error>) -> Result<T, Error> {
        self.budget
            .run(|| f(self))
            .unwrap_or_else(|i| Err(i.into()))
    }

    /// The definitions in scope.
    pub fn definitions(&self) -> &Definitions {
        &self.defs
    }

    /// Adds the definitions of a `.tg` source text (`path` names it in error messages).
    pub fn load_source(&mut self, src: &str, path: Option<&str>) -> Result<(), Error> {
        let program = self.program(src, path)?;
        self.defs.extend_with(&program);
        Ok(())
    }

    /// Adds the definitions of a `.tg` file (`-` reads standard input).
    pub fn load_file(&mut self, path: &Path) -> Result<(), Error> {
        let src = read_source(path)?;
        self.load_source(&src, Some(&path.display().to_string()))
    }

    fn program(&self, src: &str, path: Option<&str>) -> Result<Program, Error> {
        let program = crate::parse::parse_program(src, &self.defs).map_err(|e| match path {
            Some(p) => e.with_path(p),
            None => e,
        })?;
        Ok(match path {
            Some(p) => program.with_path(p),
            None => program,
        })
    }

    /// The function of one variable `var` that a command argument names, with every
    /// definition inlined, validated the same way by every command: the name of a
    /// one-argument built-in or definition means that function of `var` (`tanh` is `tanh(x)`,
    /// `softplus` is `softplus(x)`); anything else is parsed as an expression, which may use
    /// no other free name than `var`.
    pub fn function_of(&self, text: &str, var: &str) -> Result<Expr, Error> {
        let defs = &self.defs;
        let name = text.trim();
        let expr = match (defs.unary_call(name, Expr::var(var)), defs.function(name)) {
            (Some(call), _) => call,
            (None, Some(def)) => {
                return Err(UsageError::NotUnary {
                    name: name.to_string(),
                    arity: def.params.len(),
                }
                .into())
            }
            (None, None) => crate::parse::parse_expr(text, defs)?,
        };
        let inlined = crate::diff::inline_definitions(&expr, defs)
            .map_err(|e| self.locate(e.into(), text, var, Probe::Constants))?;
        let mut free = inlined.free_variables();
        free.retain(|v| v != var);
        if !free.is_empty() {
            let place = first_word(text, &free[0]).map(|(from, to)| Place::span(text, from, to));
            let e: Error = UsageError::UnknownNames {
                names: free,
                var: var.to_string(),
            }
            .into();
            return Err(match place {
                Some(place) => Error::At {
                    error: Box::new(e),
                    place,
                },
                None => e,
            });
        }
        Ok(inlined)
    }

    /// `e` at the node of `text` where it arises ([`crate::ir::locate`]), or at the whole text.
    fn locate(&self, e: Error, text: &str, var: &str, probe: Probe<'_>) -> Error {
        // An order above the limit is about the option, not a node: looking for the node would
        // compute the series again (to the maximum order) only to find none.
        let about_the_order = |s: &crate::series::SeriesError| {
            matches!(s, crate::series::SeriesError::OrderTooLarge { .. })
        };
        let about_an_option = match &e {
            Error::Series(s) => about_the_order(s),
            Error::Gate(g) => {
                matches!(g.as_ref(), crate::gate::GateError::Series(s) if about_the_order(s))
            }
            _ => false,
        };
        if e.is_placed() || about_an_option {
            return e;
        }
        let place = crate::ir::locate(text, &self.defs, var, probe);
        e.located(place, text)
    }

    /// An activation: a function of `x` (see [`Session::function_of`]).
    pub fn activation_expr(&self, text: &str) -> Result<Expr, Error> {
        self.function_of(text, "x")
    }

    /// An exact point such as `ln(3)` or `-1/2`.
    pub fn parse_point(&self, text: &str) -> Result<Const, Error> {
        let e = crate::parse::parse_expr(text, &self.defs)?;
        let e = crate::diff::inline_definitions(&e, &self.defs)?;
        Ok(Const::from_expr(&e)?)
    }

    /// `taylorgate expand`.
    pub fn expand(&self, req: &ExpandRequest) -> Result<ExpandReport, Error> {
        let expr = self.function_of(&req.expr, &req.var)?;
        let point = self.parse_point(&req.at)?;
        let series = taylor(&expr, &req.var, &point, req.order).map_err(|e| {
            let probe = Probe::Series {
                var: &req.var,
                point: &point,
                order: req.order,
            };
            self.locate(e.into(), &req.expr, &req.var, probe)
        })?;
        let coefficients = series.coefficients().to_vec();
        let approx = req.digits.map(|d| ExpandApprox {
            coefficients: coefficients
                .iter()
                .map(|c| guaranteed_digits(c, d))
                .collect(),
        });
        Ok(ExpandReport {
            expression: req.expr.trim().to_string(),
            variable: req.var.clone(),
            point,
            order: req.order,
            coefficients,
            notes: series.notes().to_vec(),
            approx,
            series,
            expr,
        })
    }

    /// `taylorgate diff`.
    pub fn diff(&self, req: &DiffRequest) -> Result<DiffReport, Error> {
        use crate::diff::{derivative, evaluate, DiffError, MAX_DERIVATIVE_ORDER};
        if req.order == 0 || req.order > MAX_DERIVATIVE_ORDER {
            return Err(UsageError::Option {
                option: "-n".into(),
                message: format!(
                    "must be between 1 and {MAX_DERIVATIVE_ORDER}, not {}",
                    req.order
                ),
            }
            .into());
        }
        let text = req.expr.trim();
        let var = req.var.as_str();
        let f = self.function_of(text, var)?;
        let label = derivative_label(text);
        // A function that is nowhere defined (`(x-x)^(-1)`, `1/(x-x)`) has no derivatives: its
        // constant parts, once simplified, must have values.
        if let Some((_, e)) = crate::diff::undefined_constant(&crate::diff::simplify(&f), true) {
            return Err(self.locate(e.into(), text, var, Probe::Constants));
        }
        // At a point, the values come from the series; when it does not exist and `f` itself
        // has no value there, that is the error, found before the symbolic derivatives (whose
        // size may grow several-fold with each order) are built only to be discarded.
        let at_point = match &req.at {
            None => None,
            Some(p) => {
                let at = self.parse_point(p)?;
                let series = taylor(&f, var, &at, req.order as usize);
                if series.is_err() {
                    let probe = Probe::Series {
                        var,
                        point: &at,
                        order: req.order as usize,
                    };
                    evaluate(&f, var, &at).map_err(|e| {
                        let e = DiffError::In {
                            label: label.clone(),
                            source: Box::new(e),
                        };
                        self.locate(e.into(), text, var, probe)
                    })?;
                }
                Some((at, series))
            }
        };
        let mut derivatives = Vec::new();
        let mut cur = f.clone();
        let stage =
            crate::budget::stage(format!("the derivatives of {}", crate::budget::short(&f)));
        for k in 1..=req.order {
            stage.progress(k as usize - 1, req.order as usize, "derivatives");
            cur = derivative(&cur, var).map_err(|e| {
                let e = DiffError::In {
                    label: format!("{label}{}:", primes(k)),
                    source: Box::new(e),
                };
                self.locate(e.into(), text, var, Probe::Constants)
            })?;
            derivatives.push(cur.clone());
        }
        let (point, values) = match at_point {
            None => (None, None),
            Some((at, series)) => {
                // The values are k! c_k of the exact Taylor series at the point (a removable
                // singularity such as sin(x)/x at 0 has them; a simplified derivative may
                // extend the domain, as sqrt(x)^2 -> x would). When the series does not exist,
                // the evaluation of the symbolic derivatives names the failing derivative if it
                // can.
                let values = match series {
                    Ok(s) => s
                        .coefficients()
                        .iter()
                        .enumerate()
                        .skip(1)
                        .map(|(k, c)| gate::derivative_from_coefficient(c, k))
                        .collect::<Vec<_>>(),
                    Err(series_error) => {
                        let probe = Probe::Series {
                            var,
                            point: &at,
                            order: req.order as usize,
                        };
                        for (k, e) in std::iter::once(&f).chain(&derivatives).enumerate() {
                            evaluate(e, var, &at).map_err(|e| {
                                let e = DiffError::In {
                                    label: format!("{label}{}", primes(k as u32)),
                                    source: Box::new(e),
                                };
                                self.locate(e.into(), text, var, probe)
                            })?;
                        }
                        return Err(self.locate(series_error.into(), text, var, probe));
                    }
                };
                (Some(at), Some(values))
            }
        };
        let approx = match (&values, req.digits) {
            (Some(values), Some(d)) => Some(DiffApprox {
                values: values.iter().map(|v| guaranteed_digits(v, d)).collect(),
            }),
            _ => None,
        };
        Ok(DiffReport {
            expression: text.to_string(),
            variable: req.var.clone(),
            order: req.order,
            derivatives: derivatives
                .iter()
                .map(|e| crate::print::tidy(e).to_string())
                .collect(),
            point,
            values,
            approx,
            function: f,
            derivative_exprs: derivatives,
        })
    }

    /// `taylorgate gate`: the analysis, the rigorous remainder bound on `|x_i| <= radius`
    /// (unless `no_bound`), the certificate when `epsilon` is given, and the decision of a
    /// given scale `lambda` (with `epsilon`).
    pub fn gate(&self, req: &GateRequest) -> Result<GateResult, Error> {
        let sigma = self.activation_expr(&req.activation)?;
        // An activation that is nowhere defined (`(x-x)^(-1)`) is refused as `diff` refuses
        // it, at the constant part that has no value, rather than judged undecided.
        use crate::number::NumberError;
        if let Err(
            e @ crate::diff::DiffError::Number(
                NumberError::DivisionByZero | NumberError::Domain { .. } | NumberError::NotReal(..),
            ),
        ) = crate::diff::derivative(&sigma, "x")
        {
            let e = crate::diff::DiffError::In {
                label: format!("{}':", derivative_label(req.activation.trim())),
                source: Box::new(e),
            };
            return Err(self.locate(e.into(), &req.activation, "x", Probe::Constants));
        }
        let bias = req
            .bias
            .as_deref()
            .map(|b| self.parse_point(b))
            .transpose()?;
        let radius = rational_option("--radius", &req.radius)?;
        let epsilon = req
            .epsilon
            .as_deref()
            .map(|e| rational_option("--epsilon", e))
            .transpose()?;
        let lambda = req
            .lambda
            .as_deref()
            .map(|l| rational_option("--lambda", l))
            .transpose()?;
        // A certificate may need the Lagrange order n + 6 (when the order-(n+2) term vanishes).
        let degree = req
            .degree
            .or_else(|| epsilon.as_ref().map(|_| req.inputs + 6));
        let options = GateOptions {
            inputs: req.inputs,
            degree,
            bias,
        };
        let report = gate::analyze(&sigma, &options).map_err(|e| match e {
            gate::GateError::Options(message) => UsageError::Option {
                option: "--inputs/--degree".into(),
                message,
            }
            .into(),
            e => {
                let point = options.bias.clone().unwrap_or_else(Const::zero);
                let probe = Probe::Series {
                    var: "x",
                    point: &point,
                    order: options.degree.unwrap_or(options.inputs + 2),
                };
                self.locate(e.into(), &req.activation, "x", probe)
            }
        })?;
        let admits = report.verdict == Verdict::Admits;
        let limits = bound::default_limits();
        let remainder_bound =
            (admits && !req.no_bound).then(|| bound::gate_remainder(&report, &radius, &limits));
        let lambda_check = match (&lambda, &epsilon, admits) {
            (Some(l), Some(eps), true) => Some((
                l.clone(),
                bound::gate_lambda(&report, l, eps, &radius, &limits).map(LambdaAnswer::Decided),
            )),
            (Some(l), None, true) => Some((
                l.clone(),
                bound::gate_lambda_sup(&report, l, &radius, &limits).map(LambdaAnswer::Enclosed),
            )),
            _ => None,
        };
        let certificate = match (&epsilon, admits, &lambda_check) {
            (Some(eps), true, None) => Some(certificate::certify(&report, eps, &radius)),
            _ => None,
        };
        if req.float.is_some() && epsilon.is_none() {
            return Err(UsageError::Option {
                option: "--float".into(),
                message: "needs --epsilon".into(),
            }
            .into());
        }
        let float = match (req.float, &epsilon, admits) {
            (Some(format), Some(eps), true) => Some(certificate::float::certify_float(
                &report,
                eps,
                &radius,
                format,
                req.sigma_ulps,
            )),
            _ => None,
        };
        let mut data = GateData::new(
            &report,
            &remainder_bound,
            &certificate,
            lambda_check.as_ref(),
            req.digits,
        );
        data.float_certificate = float.as_ref().map(|c| match c {
            Ok(c) => c.to_json(),
            Err(e) => serde_json::json!({ "error": format!("no certificate: {e}") }),
        });
        Ok(GateResult {
            report,
            remainder_bound,
            certificate,
            lambda_check,
            radius,
            epsilon,
            float,
            data,
        })
    }

    /// `taylorgate prove`: decides every claim of a `.tg` source text (`path` names it).
    pub fn prove(
        &self,
        src: &str,
        path: Option<&str>,
        req: &ProveRequest,
    ) -> Result<ProveReport, Error> {
        let program = self.program(src, path)?;
        let radius = rational_option("--radius", &req.radius)?;
        let limits = crate::bound::search::Limits {
            max_boxes: bound::MAX_BOXES,
            deadline: req
                .search_timeout
                .filter(|t| t.is_finite() && *t >= 0.0)
                .map(|t| Instant::now() + Duration::from_secs_f64(t.min(1e9))),
        };
        let reports = if req.no_bound {
            prove::prove_program(&program, &self.defs, &limits)
        } else {
            prove::prove_program_with_bounds(&program, &self.defs, &radius, &limits)
        };
        if reports.is_empty() {
            return Err(UsageError::NoClaims(path.unwrap_or("the text").to_string()).into());
        }
        Ok(ProveReport {
            file: path.map(str::to_string),
            claims: reports.iter().map(ClaimData::new).collect(),
            reports,
            program,
        })
    }

    /// `taylorgate prove FILE` (`-` reads standard input).
    pub fn prove_file(&self, path: &Path, req: &ProveRequest) -> Result<ProveReport, Error> {
        let src = read_source(path)?;
        self.prove(&src, Some(&path.display().to_string()), req)
    }

    /// `taylorgate list`: the built-in library.
    pub fn list() -> ListReport {
        ListReport {
            activations: crate::library::activations()
                .iter()
                .map(|a| ActivationData {
                    name: a.name.clone(),
                    definition: a.text.clone(),
                    source: a.source.clone(),
                })
                .collect(),
        }
    }

    /// `taylorgate scan`: the gate analysis of every activation of the library, or of the
    /// one-argument functions of `source` (a `.tg` text, `path` naming it) when given; the
    /// rows are computed on a few worker threads, each under its own `timeout` within the
    /// budget in force; a row that fails or runs out of time says so.
    pub fn scan(
        &self,
        source: Option<(&str, Option<&str>)>,
        inputs: usize,
        timeout: Duration,
    ) -> Result<ScanReport, Error> {
        if inputs == 0 || inputs > gate::MAX_INPUTS {
            return Err(UsageError::Option {
                option: "--inputs".into(),
                message: format!("must be between 1 and {}", gate::MAX_INPUTS),
            }
            .into());
        }
        let inline = |e: &Expr, defs: &Definitions| crate::diff::inline_definitions(e, defs);
        let items: Vec<(String, String, Expr)> = match source {
            None => crate::library::activations()
                .iter()
                .map(|a| Ok((a.name.clone(), a.text.clone(), inline(&a.expr, &self.defs)?)))
                .collect::<Result<_, Error>>()?,
            Some((src, path)) => {
                let program = self.program(src, path)?;
                let mut defs = self.defs.clone();
                defs.extend_with(&program);
                let mut out = Vec::new();
                for s in &program.statements {
                    if let Statement::Function { name, params, body } = &s.statement {
                        if params.len() == 1 {
                            let x = Expr::Apply(name.clone(), vec![Expr::var("x")]);
                            out.push((name.clone(), body.to_string(), inline(&x, &defs)?));
                        }
                    }
                }
                out
            }
        };
        Ok(ScanReport {
            inputs,
            rows: analyze_all(items, inputs, timeout),
        })
    }
}

/// Reads a source file; the path `-` reads standard input.
pub fn read_source(path: &Path) -> Result<String, Error> {
    let read = |e: std::io::Error| UsageError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(read)?;
        Ok(text)
    } else {
        Ok(std::fs::read_to_string(path).map_err(read)?)
    }
}

/// The value of option `option` (`--radius`), a decimal or fraction, or a usage error.
pub(crate) fn rational_option(option: &str, text: &str) -> Result<BigRational, Error> {
    certificate::parse_rational(text).map_err(|e| {
        UsageError::Option {
            option: option.to_string(),
            message: e.to_string(),
        }
        .into()
    })
}

/// `f'`, `f''`, `f'''`, then `f^(4)`.
pub fn primes(k: u32) -> String {
    if k <= 3 {
        "'".repeat(k as usize)
    } else {
        format!("^({k})")
    }
}

/// Whether `text` reads as one call `name(...)`, so that `text'` is unambiguous.
/// How a derivative names the function written `text`: `softplus`, `g(x)` as written, any
/// other expression in brackets (`(x^2 + 1)'`).
fn derivative_label(text: &str) -> String {
    if is_call(text) || text.chars().all(char::is_alphanumeric) {
        text.to_string()
    } else {
        format!("({text})")
    }
}

fn is_call(text: &str) -> bool {
    let Some(open) = text.find('(') else {
        return false;
    };
    let name = &text[..open];
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let mut depth = 0i64;
    for (i, c) in text.char_indices().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == text.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// expand

/// What `expand` computes.
#[derive(Clone, Debug)]
pub struct ExpandRequest {
    /// The expression, or the name of a one-argument definition.
    pub expr: String,
    /// The expansion point (an exact expression).
    pub at: String,
    /// The highest coefficient index.
    pub order: usize,
    /// The variable.
    pub var: String,
    /// Guaranteed significant digits of every coefficient (`approx`).
    pub digits: Option<u32>,
}

impl ExpandRequest {
    /// `expr` in `x` at 0 through `order`, no digits.
    pub fn new(expr: &str, order: usize) -> ExpandRequest {
        ExpandRequest {
            expr: expr.to_string(),
            at: "0".into(),
            order,
            var: "x".into(),
            digits: None,
        }
    }
}

/// The answer of `expand`.
#[derive(Clone, Debug, Serialize)]
pub struct ExpandReport {
    /// The expression as given.
    pub expression: String,
    /// The variable.
    pub variable: String,
    /// The exact expansion point.
    pub point: Const,
    /// The highest coefficient index N (the remainder is `O((x-p)^(N+1))`).
    pub order: usize,
    /// The exact coefficients `c_0 .. c_N`.
    pub coefficients: Vec<Const>,
    /// Notes of the engine (e.g. a removable singularity).
    pub notes: Vec<String>,
    /// Guaranteed decimals, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approx: Option<ExpandApprox>,
    /// The series itself.
    #[serde(skip)]
    pub series: Series,
    /// The expression expanded, definitions inlined.
    #[serde(skip)]
    pub expr: Expr,
}

impl Report for ExpandReport {
    const COMMAND: &'static str = "expand";
}

/// Guaranteed decimals of an expansion (`null`: not separated from 0 at any precision tried).
#[derive(Clone, Debug, Serialize)]
pub struct ExpandApprox {
    /// One per coefficient.
    pub coefficients: Vec<Option<String>>,
}

// ---------------------------------------------------------------------------------------------
// diff

/// What `diff` computes.
#[derive(Clone, Debug)]
pub struct DiffRequest {
    /// The expression, or the name of a one-argument definition.
    pub expr: String,
    /// How many derivatives.
    pub order: u32,
    /// A point where to evaluate them.
    pub at: Option<String>,
    /// The variable.
    pub var: String,
    /// Guaranteed significant digits of every value (`approx`).
    pub digits: Option<u32>,
}

/// The answer of `diff`.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// The expression as given.
    pub expression: String,
    /// The variable.
    pub variable: String,
    /// How many derivatives.
    pub order: u32,
    /// The derivatives `f', f'', ...`, simplified, in the language.
    pub derivatives: Vec<String>,
    /// The exact point, when asked.
    pub point: Option<Const>,
    /// The exact values `f'(p), f''(p), ...` at the point.
    pub values: Option<Vec<Const>>,
    /// Guaranteed decimals of the values, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approx: Option<DiffApprox>,
    /// The function differentiated, definitions inlined.
    #[serde(skip)]
    pub function: Expr,
    /// The derivatives themselves.
    #[serde(skip)]
    pub derivative_exprs: Vec<Expr>,
}

impl Report for DiffReport {
    const COMMAND: &'static str = "diff";
}

/// Guaranteed decimals of the values of `diff`.
#[derive(Clone, Debug, Serialize)]
pub struct DiffApprox {
    /// One per value.
    pub values: Vec<Option<String>>,
}

// ---------------------------------------------------------------------------------------------
// gate

/// What `gate` computes.
#[derive(Clone, Debug)]
pub struct GateRequest {
    /// The activation (an expression in `x`, or a name).
    pub activation: String,
    /// Number of inputs n.
    pub inputs: usize,
    /// Total degree of the expansion (default n + 4).
    pub degree: Option<usize>,
    /// A forced bias (an exact expression).
    pub bias: Option<String>,
    /// The accuracy of a certificate (a decimal or fraction).
    pub epsilon: Option<String>,
    /// The radius of the input box (a decimal or fraction).
    pub radius: String,
    /// A scale to certify or refute (with `epsilon`), by branch and bound.
    pub lambda: Option<String>,
    /// Skip the rigorous remainder bound.
    pub no_bound: bool,
    /// With `epsilon`: certify the network evaluated in this floating-point format.
    pub float: Option<FloatFormat>,
    /// The assumed accuracy of sigma's implementation for `float`, in ulps of its value.
    pub sigma_ulps: u32,
    /// Guaranteed significant digits (`approx`).
    pub digits: Option<u32>,
}

impl GateRequest {
    /// The default analysis of `activation` with two inputs.
    pub fn new(activation: &str) -> GateRequest {
        GateRequest {
            activation: activation.to_string(),
            inputs: 2,
            degree: None,
            bias: None,
            epsilon: None,
            radius: "1".into(),
            lambda: None,
            no_bound: false,
            float: None,
            sigma_ulps: crate::certificate::float::DEFAULT_SIGMA_ULPS,
            digits: None,
        }
    }
}

/// The answer of `gate`: the analysis and its rigorous bounds, and their serializable data.
#[derive(Clone, Debug)]
pub struct GateResult {
    /// The analysis.
    pub report: GateReport,
    /// The rigorous remainder bound (when the gate is admitted and the bound asked).
    pub remainder_bound: Option<Result<SupBound, bound::BoundError>>,
    /// The certificate (when asked and admitted).
    pub certificate: Option<Result<Certificate, CertificateError>>,
    /// The given scale lambda and what was found of it: the decision against epsilon (with
    /// `--epsilon`), else the enclosure of the sup.
    pub lambda_check: Option<(BigRational, Result<LambdaAnswer, bound::BoundError>)>,
    /// The radius of the input box of the bound.
    pub radius: BigRational,
    /// The accuracy asked, if any.
    pub epsilon: Option<BigRational>,
    /// The floating-point certificate (when asked with epsilon, and admitted).
    pub float: Option<Result<FloatCertificate, CertificateError>>,
    /// What `--format json` prints.
    pub data: GateData,
}

/// A rigorous bound `|R(x)| <= K |x|_inf^order` for `|x|_inf <= radius` (or why there is
/// none: then only `error` is set).
#[derive(Clone, Debug, Serialize, Default)]
pub struct BoundData {
    /// `K`, exact (a rational, or its exact scientific decimal when long), rounded up from the
    /// bound proved.
    #[serde(rename = "K", skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
    /// The order of the bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// The radius of the box, an exact rational.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius: Option<String>,
    /// The norm of `|x|`: always `inf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norm: Option<&'static str>,
    /// A value of `|R(x)| / |x|_inf^order` provably attained (exact, rounded down): `K` is
    /// within the factor `K / attained` of the truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attained: Option<String>,
    /// Whether the branch and bound converged (gates; otherwise `K` is its bound at the limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    /// Boxes of the branch and bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boxes: Option<usize>,
    /// Cells of the neuron functions enclosed (gates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cells: Option<usize>,
    /// How the bound was obtained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// For claims `+ O(lambda^k)`: the scale variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// For claims `+ O(lambda^k)`: the other variables (bounded by the radius).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub others: Option<Vec<String>>,
    /// Why there is no bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl BoundData {
    fn of_gate(b: &Result<SupBound, bound::BoundError>) -> BoundData {
        match b {
            Ok(b) => BoundData {
                k: Some(certificate::bound_text(&b.k)),
                order: Some(b.order as i64),
                radius: Some(b.radius.to_string()),
                norm: Some("inf"),
                attained: Some(b.attained.to_string()),
                converged: Some(b.converged),
                boxes: Some(b.boxes),
                cells: Some(b.cells),
                method: Some(b.method.clone()),
                ..BoundData::default()
            },
            Err(e) => BoundData {
                error: Some(format!("no rigorous bound: {e}")),
                ..BoundData::default()
            },
        }
    }

    fn of_claim(b: &Result<prove::RemainderBound, prove::BoundError>) -> BoundData {
        match b {
            Ok(b) => BoundData {
                k: Some(certificate::bound_text(&b.k)),
                order: Some(b.order),
                radius: Some(b.radius.to_string()),
                norm: Some("inf"),
                attained: Some(b.attained.to_string()),
                boxes: Some(b.boxes),
                method: Some(b.method.clone()),
                variable: b.variable.clone(),
                others: b.variable.as_ref().map(|_| b.others.clone()),
                ..BoundData::default()
            },
            Err(e) => BoundData {
                error: Some(format!("no rigorous bound: {e}")),
                ..BoundData::default()
            },
        }
    }
}

/// What a branch and bound of `sup |g| <= eps` over a box found (a sup-norm claim of `prove`,
/// or the scale given to `gate --lambda`).
#[derive(Clone, Debug, Serialize)]
pub struct SupData {
    /// A rigorous upper bound of `sup |g|` (exact, rounded up).
    pub upper: String,
    /// A value of `|g|` provably attained (exact, rounded down).
    pub lower: String,
    /// Boxes evaluated.
    pub boxes: usize,
    /// How `g` was enclosed.
    pub method: String,
    /// Refuted: the exact point where it fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Vec<String>>,
    /// Refuted: a rigorous enclosure `[lo, hi]` of `g` at the witness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<String>>,
    /// Undecided: what stopped the search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl SupData {
    fn new(s: &SupReport) -> SupData {
        let (witness, value, stopped) = match &s.verdict {
            SupVerdict::Refuted { witness, value } => (
                Some(witness.iter().map(|q| q.to_string()).collect()),
                Some(vec![value.0.to_string(), value.1.to_string()]),
                None,
            ),
            SupVerdict::Undecided { reason } => (None, None, Some(reason.clone())),
            SupVerdict::Proved => (None, None, None),
        };
        SupData {
            upper: s.upper.to_string(),
            lower: s.lower.to_string(),
            boxes: s.boxes,
            method: s.method.clone(),
            witness,
            value,
            stopped,
        }
    }
}

/// What `gate --lambda L` found of the given scale.
#[derive(Clone, Debug, PartialEq)]
pub enum LambdaAnswer {
    /// With `--epsilon E`: is `sup |f_L(x) - x_1...x_n| <= E` on the box?
    Decided(SupReport),
    /// Without: `lower <= sup |f_L(x) - x_1...x_n| <= upper`, `lower` attained at a witness.
    Enclosed(SupEnclosure),
}

/// The decision of `gate --lambda L --epsilon E`: is `sup |f_L(x) - x_1...x_n| <= E` on the
/// box? Without `--epsilon`: the enclosure of that sup (verdict `enclosed`, the witness and
/// the value where the lower bound is attained).
#[derive(Clone, Debug, Serialize)]
pub struct LambdaCheckData {
    /// The scale, exact.
    pub lambda: String,
    /// `certified`, `refuted`, `undecided`, or `enclosed` without epsilon (absent with
    /// `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'static str>,
    /// What the branch and bound found (absent with `error`).
    #[serde(flatten)]
    pub search: Option<SupData>,
    /// Why there is no decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl LambdaCheckData {
    fn new(lambda: &BigRational, g: &Result<LambdaAnswer, bound::BoundError>) -> LambdaCheckData {
        match g {
            Ok(LambdaAnswer::Enclosed(e)) => LambdaCheckData {
                lambda: lambda.to_string(),
                verdict: Some("enclosed"),
                search: Some(SupData {
                    upper: e.upper.to_string(),
                    lower: e.lower.to_string(),
                    boxes: e.boxes,
                    method: e.method.clone(),
                    witness: Some(e.witness.iter().map(|q| q.to_string()).collect()),
                    value: Some(vec![e.value.0.to_string(), e.value.1.to_string()]),
                    stopped: e.stopped.clone(),
                }),
                error: None,
            },
            Ok(LambdaAnswer::Decided(g)) => LambdaCheckData {
                lambda: lambda.to_string(),
                verdict: Some(match g.verdict {
                    SupVerdict::Proved => "certified",
                    SupVerdict::Refuted { .. } => "refuted",
                    SupVerdict::Undecided { .. } => "undecided",
                }),
                search: Some(SupData::new(g)),
                error: None,
            },
            Err(e) => LambdaCheckData {
                lambda: lambda.to_string(),
                verdict: None,
                search: None,
                error: Some(e.to_string()),
            },
        }
    }
}

/// The remainder of a gate: its sharp order and leading terms, and a rigorous bound.
#[derive(Clone, Debug, Serialize)]
pub struct RemainderData {
    /// The sharp order, the leading terms, the degree searched and an undecided term.
    #[serde(flatten)]
    pub remainder: gate::Remainder,
    /// The rigorous bound on the box (`null` when not computed).
    pub bound: Option<BoundData>,
}

/// The epsilon-lambda certificate (or why there is none: then only `error` is set).
#[derive(Clone, Debug, Serialize, Default)]
pub struct CertificateData {
    /// The requested accuracy, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epsilon: Option<String>,
    /// The radius of the box, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius: Option<String>,
    /// The certified scale, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<String>,
    /// The proved bound of the error, exact (at most epsilon).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_bound: Option<String>,
    /// How the bound was obtained.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The order of the Lagrange remainder used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lagrange_order: Option<usize>,
    /// The bound of the derivative of that order, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derivative_bound: Option<String>,
    /// Why there is no certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What `gate --format json` prints (and `scan` rows embed).
#[derive(Clone, Debug, Serialize)]
pub struct GateData {
    /// The activation analysed, in `x`, definitions inlined.
    pub activation: String,
    /// Number of inputs n.
    pub inputs: usize,
    /// `verdict == "admits"`.
    pub admits: bool,
    /// `admits`, `does not admit` or `undecided`.
    pub verdict: &'static str,
    /// Why.
    pub reason: String,
    /// The bias b.
    pub bias: Option<Const>,
    /// `sigma^(n)(0)`.
    pub derivative_at_zero: Option<Const>,
    /// `sigma^(n)(b)`.
    pub derivative_at_bias: Option<Const>,
    /// The number of hidden neurons, 2^n.
    pub hidden: usize,
    /// The input weights, one row of signs per neuron, as exact strings.
    #[serde(rename = "A1")]
    pub a1: Vec<Vec<String>>,
    /// The hidden biases (all b).
    pub b1: Option<Vec<Const>>,
    /// The output weights.
    #[serde(rename = "A2")]
    pub a2: Option<Vec<Const>>,
    /// The total degree of the expansion.
    pub degree: Option<usize>,
    /// The network's exact expansion through `degree`.
    pub expansion: Option<Vec<Term>>,
    /// Its remainder.
    pub remainder: Option<RemainderData>,
    /// The certificate, when asked.
    pub certificate: Option<CertificateData>,
    /// The decision of a given scale, when asked (`--lambda`).
    pub lambda_check: Option<LambdaCheckData>,
    /// The floating-point certificate, when asked (`--float`; see
    /// [`crate::certificate::float::FloatCertificate::to_json`]).
    pub float_certificate: Option<serde_json::Value>,
    /// Guaranteed decimals, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approx: Option<GateApprox>,
}

/// Guaranteed decimals of a gate's exact values (keys as in [`GateData`]).
#[derive(Clone, Debug, Serialize)]
pub struct GateApprox {
    /// Of the bias.
    pub bias: Option<String>,
    /// Of `sigma^(n)(b)`.
    pub derivative_at_bias: Option<String>,
    /// Of the output weights.
    #[serde(rename = "A2")]
    pub a2: Option<Vec<Option<String>>>,
    /// Of the expansion's coefficients, in order.
    pub expansion: Option<Vec<Option<String>>>,
}

/// The verdict in words, as in the JSON and the `scan` table.
pub(crate) fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Admits => "admits",
        Verdict::DoesNotAdmit => "does not admit",
        Verdict::Undecided => "undecided",
    }
}

impl GateData {
    fn new(
        r: &GateReport,
        bound: &Option<Result<SupBound, bound::BoundError>>,
        cert: &Option<Result<Certificate, CertificateError>>,
        lambda_check: Option<&(BigRational, Result<LambdaAnswer, bound::BoundError>)>,
        digits: Option<u32>,
    ) -> GateData {
        let admits = r.verdict == Verdict::Admits;
        let bound = bound.as_ref().map(BoundData::of_gate);
        let certificate = cert.as_ref().map(|c| match c {
            Ok(c) => CertificateData {
                epsilon: Some(c.epsilon.to_string()),
                radius: Some(c.radius.to_string()),
                lambda: Some(c.lambda.to_string()),
                error_bound: Some(c.error_bound.to_string()),
                method: Some(c.method.clone()),
                lagrange_order: Some(c.detail.order),
                derivative_bound: Some(c.detail.derivative_bound.to_string()),
                error: None,
            },
            Err(e) => CertificateData {
                error: Some(format!("no certificate: {e}")),
                ..CertificateData::default()
            },
        });
        let approx = digits.map(|d| {
            let ap = |c: &Const| guaranteed_digits(c, d);
            GateApprox {
                bias: r.bias.as_ref().and_then(ap),
                derivative_at_bias: r.derivative_at_bias.as_ref().and_then(ap),
                a2: admits.then(|| r.a2.iter().map(ap).collect()),
                expansion: admits.then(|| r.expansion.iter().map(|t| ap(&t.coefficient)).collect()),
            }
        });
        GateData {
            activation: r.activation.to_string(),
            inputs: r.inputs,
            admits,
            verdict: verdict_name(r.verdict),
            reason: r.reason.clone(),
            bias: r.bias.clone(),
            derivative_at_zero: r.derivative_at_zero.clone(),
            derivative_at_bias: r.derivative_at_bias.clone(),
            hidden: r.hidden,
            a1: r
                .a1
                .iter()
                .map(|row| row.iter().map(i32::to_string).collect())
                .collect(),
            b1: admits.then(|| vec![r.bias.clone().unwrap_or_else(Const::zero); r.hidden]),
            a2: admits.then(|| r.a2.clone()),
            degree: admits.then_some(r.degree),
            expansion: admits.then(|| r.expansion.clone()),
            remainder: admits.then(|| RemainderData {
                remainder: r.remainder.clone(),
                bound,
            }),
            certificate,
            lambda_check: lambda_check.map(|(l, g)| LambdaCheckData::new(l, g)),
            float_certificate: None,
            approx,
        }
    }
}

impl Report for GateData {
    const COMMAND: &'static str = "gate";
}

// ---------------------------------------------------------------------------------------------
// prove

/// How `prove` decides the claims.
#[derive(Clone, Debug)]
pub struct ProveRequest {
    /// The radius r of the box `|x_i| <= r` of the rigorous remainder bounds.
    pub radius: String,
    /// Skip the rigorous remainder bounds (the claims are still decided).
    pub no_bound: bool,
    /// Stop every branch and bound after this many seconds in all (what is not finished is
    /// reported as undecided with the best bounds found).
    pub search_timeout: Option<f64>,
}

impl Default for ProveRequest {
    fn default() -> ProveRequest {
        ProveRequest {
            radius: "1".into(),
            no_bound: false,
            search_timeout: None,
        }
    }
}

/// A compared monomial of a claim: the coefficients of both sides and their difference.
#[derive(Clone, Debug, Serialize)]
pub struct ComparedData {
    /// The exponents.
    pub powers: Vec<i32>,
    /// The coefficient in the left side.
    pub left: Const,
    /// The coefficient in the right side.
    pub right: Const,
    /// `left - right`.
    pub coefficient: Const,
}

fn compared(t: &[ComparedTerm]) -> Vec<ComparedData> {
    t.iter()
        .map(|t| ComparedData {
            powers: t.powers.clone(),
            left: t.left.clone(),
            right: t.right.clone(),
            coefficient: t.difference.clone(),
        })
        .collect()
}

/// The remainder `LHS - RHS` of a proved claim.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimRemainderData {
    /// The lowest order with a term proved non-zero.
    pub order: Option<i64>,
    /// `LHS - RHS` is exactly zero.
    pub exact: bool,
    /// The terms of that order.
    pub leading: Vec<ComparedData>,
    /// The rigorous bound (`null` unless proved).
    pub bound: Option<BoundData>,
}

/// One claim of `prove`.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimData {
    /// Its line in the file.
    pub line: usize,
    /// The claim as written.
    pub claim: String,
    /// `proved`, `refuted` or `undecided`.
    pub status: &'static str,
    /// The variables of the claim.
    pub variables: Vec<String>,
    /// For `O(lambda^k)`: the variable; else `null` (total degree).
    pub degree_in: Option<String>,
    /// The claimed order k.
    pub claimed_order: u32,
    /// What was found.
    pub message: String,
    /// The terms that differ (refuted or undecided).
    pub difference: Vec<ComparedData>,
    /// For a sup-norm claim `|g| <= eps`: what the branch and bound found (else `null`).
    pub sup: Option<SupData>,
    /// The remainder.
    pub remainder: ClaimRemainderData,
}

impl ClaimData {
    fn new(r: &ClaimReport) -> ClaimData {
        ClaimData {
            line: r.line,
            claim: r.claim.clone(),
            status: r.status.name(),
            variables: r.variables.clone(),
            degree_in: r.degree_in.clone(),
            claimed_order: r.claimed,
            message: r.message.clone(),
            difference: compared(&r.difference),
            sup: r.sup.as_ref().map(SupData::new),
            remainder: ClaimRemainderData {
                order: r.remainder_order,
                exact: r.exact,
                leading: compared(&r.remainder_leading),
                bound: r.bound.as_ref().map(BoundData::of_claim),
            },
        }
    }
}

/// The answer of `prove`.
#[derive(Clone, Debug, Serialize)]
pub struct ProveReport {
    /// The file, when read from one.
    pub file: Option<String>,
    /// One per claim, in order.
    pub claims: Vec<ClaimData>,
    /// The reports themselves.
    #[serde(skip)]
    pub reports: Vec<ClaimReport>,
    /// The program read.
    #[serde(skip)]
    pub program: Program,
}

impl Report for ProveReport {
    const COMMAND: &'static str = "prove";
}

// ---------------------------------------------------------------------------------------------
// list and scan

/// A named activation of the library.
#[derive(Clone, Debug, Serialize)]
pub struct ActivationData {
    /// Its name.
    pub name: String,
    /// Its definition as written.
    pub definition: String,
    /// Where it comes from.
    pub source: String,
}

/// The answer of `list`.
#[derive(Clone, Debug, Serialize)]
pub struct ListReport {
    /// The library, in order.
    pub activations: Vec<ActivationData>,
}

impl Report for ListReport {
    const COMMAND: &'static str = "list";
}

/// One row of `scan`: the gate analysis of one activation (the fields of [`GateData`]), or the
/// error that stopped it.
#[derive(Clone, Debug, Serialize)]
pub struct ScanRow {
    /// The activation's name.
    pub name: String,
    /// Its definition as written.
    pub definition: String,
    /// The leading error coefficient (of `x_1^3 x_2 ... x_n`), when admitted.
    pub leading_error: Option<Const>,
    /// Why the row has no analysis (`null` when it has one).
    pub error: Option<String>,
    /// The analysis.
    #[serde(flatten)]
    pub gate: Option<GateData>,
    /// The analysis itself (for the text renderings).
    #[serde(skip)]
    pub report: Option<GateReport>,
}

/// The answer of `scan`.
#[derive(Clone, Debug, Serialize)]
pub struct ScanReport {
    /// Number of inputs n.
    pub inputs: usize,
    /// One per activation.
    pub rows: Vec<ScanRow>,
}

impl Report for ScanReport {
    const COMMAND: &'static str = "scan";
}

/// The leading error coefficient `sigma^(n+2)(b) / (6 sigma^(n)(b))`, read off the network's
/// expansion (the coefficient of `x_1^3 x_2 ... x_n`).
pub fn leading_error(r: &GateReport) -> Option<Const> {
    if r.verdict != Verdict::Admits {
        return None;
    }
    let mut powers = vec![1; r.inputs];
    powers[0] = 3;
    Some(
        r.expansion
            .iter()
            .find(|t| t.powers == powers)
            .map(|t| t.coefficient.clone())
            .unwrap_or_else(Const::zero),
    )
}

/// At most this many activations are analysed at once (each may hold large exact values).
pub const MAX_WORKERS: usize = 4;

/// Stack of a worker (deep expressions recurse).
const WORKER_STACK: usize = 256 << 20;

/// Analyses the activations on a few worker threads (one per core, at most
/// [`MAX_WORKERS`]), each row under its own time-out within the budget in force: a row that
/// runs out of time or memory is stopped and says so, and the scan goes on.
fn analyze_all(items: Vec<(String, String, Expr)>, n: usize, timeout: Duration) -> Vec<ScanRow> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .clamp(1, MAX_WORKERS)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<GateReport, String>>>> =
        Mutex::new(vec![None; items.len()]);
    let parent = crate::budget::current();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (next, results, items, parent) = (&next, &results, &items, parent.clone());
            let spawned = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, _, expr)) = items.get(i) else {
                        break;
                    };
                    let options = GateOptions {
                        inputs: n,
                        ..GateOptions::default()
                    };
                    let budget = Budget::new()
                        .with_timeout(timeout)
                        .with_parent(parent.clone());
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        budget.run(|| {
                            let _stage = crate::budget::stage(format!("the gate of {name}"));
                            gate::analyze(expr, &options)
                        })
                    }));
                    let row = match result {
                        Ok(Ok(r)) => r.map_err(|e| e.to_string()),
                        Ok(Err(stopped)) => Err(stopped.to_string()),
                        Err(_) => Err("internal error (a bug in taylorgate)".to_string()),
                    };
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(row);
                });
            if let Err(e) = spawned {
                let message = format!("cannot start a thread: {e}");
                let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
                for slot in r.iter_mut().filter(|s| s.is_none()) {
                    *slot = Some(Err(message.clone()));
                }
            }
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    items
        .into_iter()
        .zip(results)
        .map(|((name, definition, _), r)| {
            match r.unwrap_or_else(|| Err("not analysed".to_string())) {
                Ok(report) => ScanRow {
                    name,
                    definition,
                    leading_error: leading_error(&report),
                    error: None,
                    gate: Some(GateData::new(&report, &None, &None, None, None)),
                    report: Some(report),
                },
                Err(e) => ScanRow {
                    name,
                    definition,
                    leading_error: None,
                    error: Some(e),
                    gate: None,
                    report: None,
                },
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// errors

/// An error as the schema prints it: `{"kind", "message", "line", "column"}`.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorData {
    /// The kind: `parse`, `math`, `limit`, `usage` (see [`error_kind`]) or `internal`.
    pub kind: &'static str,
    /// The message, as the text output prints it (for parse errors: with the caret lines).
    pub message: String,
    /// The 1-based line of the first error in the input, when known.
    pub line: Option<usize>,
    /// The 1-based column, when known.
    pub column: Option<usize>,
}

impl ErrorData {
    /// The data of an error: for a parse error the place of its first error, for a located
    /// error ([`Error::At`]) the place of the offending text.
    pub fn new(error: &Error) -> ErrorData {
        let (line, column) = match error {
            Error::Parse(p) => p
                .errors()
                .first()
                .map(|e| match e.line_col {
                    pest::error::LineColLocation::Pos((l, c)) => (Some(l), Some(c)),
                    pest::error::LineColLocation::Span((l, c), _) => (Some(l), Some(c)),
                })
                .unwrap_or((None, None)),
            Error::At { place, .. } => (Some(place.line), Some(place.column)),
            _ => (None, None),
        };
        ErrorData {
            kind: error_kind(error),
            message: error.to_string(),
            line,
            column,
        }
    }

    /// A bug of taylorgate (a panic caught at the top).
    pub fn internal() -> ErrorData {
        ErrorData::internal_with(
            "internal error (a bug in taylorgate; please report the input)".into(),
        )
    }

    /// An internal failure with its own message (a thread that cannot start).
    pub fn internal_with(message: String) -> ErrorData {
        ErrorData {
            kind: "internal",
            message,
            line: None,
            column: None,
        }
    }

    /// A bad argument found before any computation (a command line refused, a bad option value).
    pub fn usage(message: String) -> ErrorData {
        ErrorData {
            kind: "usage",
            message,
            line: None,
            column: None,
        }
    }

    /// The JSON object an erring command prints with `--format json` (`command` null when a
    /// command line names none).
    pub fn to_json(&self, command: Option<&'static str>) -> String {
        #[derive(Serialize)]
        struct Printed<'a> {
            schema: &'static str,
            command: Option<&'static str>,
            error: &'a ErrorData,
        }
        let mut s = serde_json::to_string_pretty(&Printed {
            schema: SCHEMA,
            command,
            error: self,
        })
        .expect("errors serialize");
        s.push('\n');
        s
    }
}

/// The kind of an error: `parse` (bad input text), `limit` (a documented limit was exceeded),
/// `math` (the mathematics failed: a pole, a domain error, an undecided zero test), `usage`
/// (a bad option, an unknown name, an unreadable file) or `interrupted` (stopped by the
/// budget: a time-out, the memory limit, the cancel flag).
pub fn error_kind(error: &Error) -> &'static str {
    use crate::certificate::CertificateError;
    use crate::gate::GateError;
    use crate::multi::MultiError;
    use crate::number::NumberError;
    use crate::series::SeriesError;
    fn number(e: &NumberError) -> &'static str {
        match e {
            NumberError::TooLarge(_) => "limit",
            NumberError::Cancelled(_) => "interrupted",
            _ => "math",
        }
    }
    fn series(e: &SeriesError) -> &'static str {
        match e {
            SeriesError::OrderTooLarge { .. } => "limit",
            SeriesError::Number(n) => number(n),
            _ => "math",
        }
    }
    match error {
        Error::Parse(_) => "parse",
        Error::Number(n) => number(n),
        Error::Series(s) => series(s),
        Error::Diff(_) => "math",
        Error::Gate(g) => match g.as_ref() {
            GateError::Options(_) => "usage",
            GateError::Number(n) => number(n),
            GateError::Series(s) => series(s),
            GateError::Multi(MultiError::Number(n)) => number(n),
            GateError::Multi(MultiError::Series(s)) => series(s),
            GateError::Multi(_) => "math",
        },
        Error::Certificate(c) => match c.as_ref() {
            CertificateError::Options(_) => "usage",
            _ => "math",
        },
        Error::Plot(crate::teach::plot::PlotError::Options(_)) => "usage",
        Error::Plot(_) => "math",
        Error::Usage(_) => "usage",
        Error::Interrupted(_) => "interrupted",
        Error::At { error, .. } => error_kind(error),
    }
}

/// The byte range of the first occurrence of the identifier `name` in `text` as a whole word
/// (not inside a longer name such as `sinx2`), for the caret under an unknown name.
fn first_word(text: &str, name: &str) -> Option<(usize, usize)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name)
        .map(|(i, _)| (i, i + name.len()))
        .find(|&(from, to)| {
            !text[..from].chars().next_back().is_some_and(is_word)
                && !text[to..].chars().next().is_some_and(is_word)
        })
}
