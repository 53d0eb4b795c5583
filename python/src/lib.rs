//! `taylorgate._taylorgate`: the native half of the Python package.
//!
//! Every entry point goes through the library façade [`taylorgate::session::Session`], the same
//! one the command line uses, and returns its report as JSON text in the schema `taylorgate/1`
//! (the Python half turns it into objects). Computations run on a worker thread with a large
//! stack, under a budget (time-out, memory limit, cancel flag), while the GIL is released; the
//! calling thread polls for signals, and Ctrl-C sets the cancel flag so that the engine stops at
//! its next stop point and `KeyboardInterrupt` is raised.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;
use taylorgate::budget::{self, Budget};
use taylorgate::number::{Const, Sign};
use taylorgate::session::{
    DiffRequest, ErrorData, ExpandRequest, GateRequest, GateResult, ProveRequest, Report, Session,
};
use taylorgate::Error;

create_exception!(
    taylorgate,
    TaylorgateError,
    PyException,
    "Any error of taylorgate; `.kind` names its kind."
);
create_exception!(
    taylorgate,
    ParseError,
    TaylorgateError,
    "Bad input text: `.line`, `.column` (1-based) and the caret text in `str(error)`."
);
create_exception!(
    taylorgate,
    MathError,
    TaylorgateError,
    "The mathematics failed: a pole, a branch point, a domain error, an undecided zero test."
);
create_exception!(
    taylorgate,
    UndecidedError,
    MathError,
    "A comparison the three-valued zero test could not decide."
);
create_exception!(
    taylorgate,
    LimitError,
    TaylorgateError,
    "A documented limit (order, size of a number) was exceeded."
);
create_exception!(
    taylorgate,
    UsageError,
    TaylorgateError,
    "A bad argument: an option out of range, an unknown name, an unreadable file."
);
create_exception!(
    taylorgate,
    BudgetError,
    TaylorgateError,
    "Stopped by a limit of the call: its time-out or its memory limit (Ctrl-C raises KeyboardInterrupt)."
);
create_exception!(
    taylorgate,
    InternalError,
    TaylorgateError,
    "A bug of taylorgate (please report the input)."
);

/// The live heap of the engine is counted for the memory limit, as in the command line.
#[global_allocator]
static ALLOC: budget::CountingAlloc = budget::CountingAlloc;

/// The stack of the worker thread: deep (but bounded) expressions recurse.
const STACK_BYTES: usize = 512 << 20;

/// How often the waiting thread looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// After Ctrl-C, how long to wait for the engine to reach a stop point before returning
/// anyway (the worker then ends on its own).
const GRACE: Duration = Duration::from_secs(10);

fn to_py_err(py: Python<'_>, data: ErrorData) -> PyErr {
    let err = match data.kind {
        "parse" => ParseError::new_err(data.message.clone()),
        "math" => MathError::new_err(data.message.clone()),
        "limit" => LimitError::new_err(data.message.clone()),
        "usage" => UsageError::new_err(data.message.clone()),
        "interrupted" => BudgetError::new_err(data.message.clone()),
        "internal" => InternalError::new_err(data.message.clone()),
        _ => TaylorgateError::new_err(data.message.clone()),
    };
    let value = err.value(py);
    // Setting attributes on a fresh exception object cannot fail in practice; if it did, the
    // exception itself still carries the message.
    let _ = value.setattr("kind", data.kind);
    let _ = value.setattr("message", data.message.clone());
    let _ = value.setattr("line", data.line);
    let _ = value.setattr("column", data.column);
    err
}

/// The limits of one call: seconds and MiB (`None`: no limit).
type Limits = (Option<f64>, Option<u64>);

/// Runs `job` on a worker thread, under a budget with the limits and a cancel flag, with the
/// GIL released. Ctrl-C (any pending signal whose handler raises) sets the cancel flag: the
/// engine stops at its next stop point, and the signal's exception (`KeyboardInterrupt`) is
/// raised.
fn run<T, F>(py: Python<'_>, definitions: Option<String>, limits: Limits, job: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Session) -> Result<T, Error> + Send + 'static,
{
    let (timeout, memory) = limits;
    let mut budget = Budget::new();
    if let Some(t) = timeout {
        let t = Duration::try_from_secs_f64(t)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| UsageError::new_err(format!("timeout must be > 0 seconds, not {t}")))?;
        budget = budget.with_timeout(t);
    }
    if let Some(mib) = memory {
        budget =
            budget.with_memory(usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX));
    }
    let cancel = budget.cancel_flag();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut session = Session::new().with_budget(budget);
                if let Some(src) = definitions {
                    session.load_source(&src, Some("<definitions>"))?;
                }
                session.run(job)
            }));
            let _ = tx.send(result.ok());
        })
        .map_err(|e| InternalError::new_err(format!("cannot start a thread: {e}")))?;
    let outcome = py.allow_threads(move || loop {
        match rx.recv_timeout(POLL) {
            Ok(result) => return Ok(result),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(None),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(signal) = Python::with_gil(|py| py.check_signals()) {
                    cancel.store(true, Ordering::Relaxed);
                    // The stop points are frequent: wait for the worker to unwind.
                    let _ = rx.recv_timeout(GRACE);
                    return Err(signal);
                }
            }
        }
    })?;
    match outcome {
        Some(Ok(value)) => Ok(value),
        Some(Err(error)) => Err(to_py_err(py, ErrorData::new(&error))),
        None => Err(to_py_err(py, ErrorData::internal())),
    }
}

/// expand(expr, at, order, var, definitions, digits, lang, timeout, memory)
/// -> (JSON, text, LaTeX of the series, Markdown report, LaTeX report)
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (expr, at, order, var, definitions, digits, lang, timeout, memory))]
fn expand(
    py: Python<'_>,
    expr: String,
    at: String,
    order: usize,
    var: String,
    definitions: Option<String>,
    digits: Option<u32>,
    lang: &str,
    timeout: Option<f64>,
    memory: Option<u64>,
) -> PyResult<(String, String, String, String, String)> {
    let lang = language(lang)?;
    run(py, definitions, (timeout, memory), move |session| {
        let report = session.expand(&ExpandRequest {
            expr,
            at,
            order,
            var,
            digits,
        })?;
        let text = taylorgate::commands::expand::render_text(&report);
        let series =
            taylorgate::print::series(&report.coefficients, &report.variable, &report.point)
                .render(taylorgate::print::Format::Latex);
        let document =
            |format| taylorgate::commands::expand::document(&report, format, lang, false);
        let markdown = document(taylorgate::teach::Format::Markdown);
        let latex = document(taylorgate::teach::Format::Latex);
        Ok((report.to_json(), text, series, markdown, latex))
    })
}

/// diff(expr, order, at, var, definitions, digits, timeout, memory) -> JSON
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (expr, order, at, var, definitions, digits, timeout, memory))]
fn diff(
    py: Python<'_>,
    expr: String,
    order: u32,
    at: Option<String>,
    var: String,
    definitions: Option<String>,
    digits: Option<u32>,
    timeout: Option<f64>,
    memory: Option<u64>,
) -> PyResult<String> {
    run(py, definitions, (timeout, memory), move |session| {
        Ok(session
            .diff(&DiffRequest {
                expr,
                order,
                at,
                var,
                digits,
            })?
            .to_json())
    })
}

/// The result of a gate analysis, kept for its renderings.
#[pyclass(module = "taylorgate._taylorgate", frozen)]
struct GateHandle {
    result: GateResult,
}

/// A named option value (`format="latex"`, `lang="pt"`, `float="f32"`): a usage error that
/// lists the accepted names otherwise.
fn choice<T: taylorgate::choice::Choice>(option: &str, name: &str) -> PyResult<T> {
    taylorgate::choice::parse(name).map_err(|e| UsageError::new_err(format!("{option}: {e}")))
}

fn format(format: &str) -> PyResult<taylorgate::teach::Format> {
    choice("format", format)
}

#[pymethods]
impl GateHandle {
    /// The data in the schema `taylorgate/1`, as JSON text.
    fn json(&self) -> String {
        self.result.data.to_json()
    }

    /// The derivation as `gate --format FORMAT --lang LANG [--standalone]` prints it.
    #[pyo3(signature = (format, lang, digits=None, standalone=false))]
    fn derivation(
        &self,
        format: &str,
        lang: &str,
        digits: Option<u32>,
        standalone: bool,
    ) -> PyResult<String> {
        Ok(taylorgate::commands::gate::derivation(
            &self.result,
            self::format(format)?,
            language(lang)?,
            digits,
            standalone,
        ))
    }

    /// The plot of the worst error of the scaled gate against lambda, as SVG.
    fn error_svg(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let lang = language(lang)?;
        let (report, radius) = (self.result.report.clone(), self.result.radius.clone());
        run(py, None, (None, None), move |_| {
            Ok(taylorgate::commands::plot::error_svg(
                &report, &radius, lang,
            )?)
        })
    }

    /// A polynomial `[(powers, coefficient)]` in the gate's input names, as text.
    fn polynomial(&self, which: &str) -> String {
        let r = &self.result.report;
        let names = taylorgate::gate::input_names(r.inputs);
        let terms = if which == "expansion" {
            &r.expansion
        } else {
            &r.remainder.leading
        };
        taylorgate::gate::polynomial_text(terms, &names)
    }

    /// The names of the inputs (`u, v` for two).
    fn input_names(&self) -> Vec<String> {
        taylorgate::gate::input_names(self.result.report.inputs)
    }
}

fn language(lang: &str) -> PyResult<taylorgate::teach::Lang> {
    choice("lang", lang)
}

/// gate(activation, inputs, bias, degree, epsilon, radius, lambda_, no_bound, float, sigma_ulps,
/// definitions, digits, timeout, memory) -> GateHandle
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (activation, inputs, bias, degree, epsilon, radius, lambda_, no_bound, float, sigma_ulps, definitions, digits, timeout, memory))]
fn gate(
    py: Python<'_>,
    activation: String,
    inputs: usize,
    bias: Option<String>,
    degree: Option<usize>,
    epsilon: Option<String>,
    radius: String,
    lambda_: Option<String>,
    no_bound: bool,
    float: Option<String>,
    sigma_ulps: u32,
    definitions: Option<String>,
    digits: Option<u32>,
    timeout: Option<f64>,
    memory: Option<u64>,
) -> PyResult<GateHandle> {
    let float = float
        .as_deref()
        .map(|f| choice::<taylorgate::certificate::float::FloatFormat>("float", f))
        .transpose()?;
    let result = run(py, definitions, (timeout, memory), move |session| {
        session.gate(&GateRequest {
            activation,
            inputs,
            degree,
            bias,
            epsilon,
            radius,
            lambda: lambda_,
            no_bound,
            float,
            sigma_ulps,
            digits,
        })
    })?;
    Ok(GateHandle { result })
}

/// prove(text, path, radius, no_bound, search_timeout, lang, timeout, memory)
/// -> (JSON, [text of each claim], Markdown report, LaTeX report)
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (text, path, radius, no_bound, search_timeout, lang, timeout, memory))]
fn prove(
    py: Python<'_>,
    text: String,
    path: Option<String>,
    radius: String,
    no_bound: bool,
    search_timeout: Option<f64>,
    lang: &str,
    timeout: Option<f64>,
    memory: Option<u64>,
) -> PyResult<(String, Vec<String>, String, String)> {
    let lang = language(lang)?;
    run(py, None, (timeout, memory), move |session| {
        let request = ProveRequest {
            radius,
            no_bound,
            search_timeout,
        };
        let report = session.prove(&text, path.as_deref(), &request)?;
        let texts = report
            .reports
            .iter()
            .map(taylorgate::commands::prove::claim_text)
            .collect();
        let name = path.unwrap_or_else(|| "<text>".to_string());
        let source = taylorgate::teach::ClaimSource {
            path: &name,
            program: &report.program,
        };
        let document = taylorgate::teach::prove_document(&source, &report.reports, lang);
        let render = |format| {
            taylorgate::teach::render(
                &document,
                &taylorgate::teach::RenderOptions {
                    format,
                    standalone: false,
                },
            )
        };
        let markdown = render(taylorgate::teach::Format::Markdown);
        let latex = render(taylorgate::teach::Format::Latex);
        Ok((report.to_json(), texts, markdown, latex))
    })
}

/// library() -> JSON
#[pyfunction]
fn library() -> String {
    Session::list().to_json()
}

/// scan(definitions, inputs, timeout, memory) -> JSON; `timeout` is per activation.
#[pyfunction]
#[pyo3(signature = (definitions, inputs, timeout, memory))]
fn scan(
    py: Python<'_>,
    definitions: Option<String>,
    inputs: usize,
    timeout: f64,
    memory: Option<u64>,
) -> PyResult<String> {
    let timeout = Duration::try_from_secs_f64(timeout)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            UsageError::new_err(format!("timeout must be > 0 seconds, not {timeout}"))
        })?;
    run(py, None, (None, memory), move |session| {
        let source = definitions.as_deref().map(|s| (s, Some("<definitions>")));
        Ok(session.scan(source, inputs, timeout)?.to_json())
    })
}

/// An exact real constant (`ln(2)`, `sqrt(pi)/2`, `e`), read from its text in the language.
#[pyclass(module = "taylorgate._taylorgate", subclass, frozen)]
struct ExactConstant {
    value: Const,
}

fn read_const(py: Python<'_>, text: String) -> PyResult<Const> {
    run(py, None, (None, None), move |session| {
        session.parse_point(&text)
    })
}

#[pymethods]
impl ExactConstant {
    #[new]
    fn new(py: Python<'_>, text: String) -> PyResult<ExactConstant> {
        Ok(ExactConstant {
            value: read_const(py, text)?,
        })
    }

    fn __str__(&self) -> String {
        self.value.to_string()
    }

    /// The constant in LaTeX.
    fn latex(&self) -> String {
        self.value.to_latex()
    }

    /// The constant to `n` guaranteed significant digits (error below one unit in the last
    /// place), or `None` when no precision tried separates it from 0.
    fn digits(&self, py: Python<'_>, n: u32) -> PyResult<Option<String>> {
        let value = self.value.clone();
        run(py, None, (None, None), move |_| {
            Ok(taylorgate::interval::guaranteed_digits(&value, n))
        })
    }

    /// Whether the constant is rational.
    fn is_rational(&self) -> bool {
        self.value.is_rational()
    }

    /// The sign of `self - other` (-1, 0 or 1; `other` in the language); raises
    /// `UndecidedError` when the zero test cannot decide.
    fn _compare(&self, py: Python<'_>, other: String) -> PyResult<i8> {
        let value = self.value.clone();
        let text = other.clone();
        let sign = run(py, None, (None, None), move |session| {
            let other = session.parse_point(&text)?;
            Ok((&value - &other).sign())
        })?;
        match sign {
            Sign::Negative => Ok(-1),
            Sign::Zero => Ok(0),
            Sign::Positive => Ok(1),
            Sign::Unknown => Err(UndecidedError::new_err(format!(
                "cannot decide the sign of {} - ({other})",
                self.value
            ))),
        }
    }
}

/// The native half of taylorgate.
#[pymodule]
fn _taylorgate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(expand, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(gate, m)?)?;
    m.add_function(wrap_pyfunction!(prove, m)?)?;
    m.add_function(wrap_pyfunction!(library, m)?)?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_class::<GateHandle>()?;
    m.add_class::<ExactConstant>()?;
    m.add("SCHEMA", taylorgate::session::SCHEMA)?;
    m.add("TaylorgateError", py.get_type::<TaylorgateError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("MathError", py.get_type::<MathError>())?;
    m.add("UndecidedError", py.get_type::<UndecidedError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add("BudgetError", py.get_type::<BudgetError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add("DEFAULT_MEMORY_MIB", budget::DEFAULT_MEMORY_MIB)?;
    m.add(
        "DEFAULT_SIGMA_ULPS",
        taylorgate::certificate::float::DEFAULT_SIGMA_ULPS,
    )?;
    Ok(())
}
