//! `taylorgate._taylorgate`: the native half of the Python package.
//!
//! Every entry point goes through the library façade [`taylorgate::session::Session`], the same
//! one the command line uses, and returns its report as JSON text in the schema `taylorgate/1`
//! (the Python half turns it into objects). Computations run on a worker thread with a large
//! stack while the GIL is released; the calling thread polls for signals, so Ctrl-C raises
//! `KeyboardInterrupt` at once.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use std::sync::mpsc;
use std::time::Duration;
use taylorgate::number::{Const, Sign};
use taylorgate::session::{
    DiffRequest, ErrorData, ExpandRequest, GateRequest, GateResult, Report, Session,
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
    InternalError,
    TaylorgateError,
    "A bug of taylorgate (please report the input)."
);

/// The stack of the worker thread: deep (but bounded) expressions recurse.
const STACK_BYTES: usize = 512 << 20;

/// How often the waiting thread looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

fn to_py_err(py: Python<'_>, data: ErrorData) -> PyErr {
    let err = match data.kind {
        "parse" => ParseError::new_err(data.message.clone()),
        "math" => MathError::new_err(data.message.clone()),
        "limit" => LimitError::new_err(data.message.clone()),
        "usage" => UsageError::new_err(data.message.clone()),
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

/// Runs `job` on a worker thread with the GIL released; Ctrl-C (or any pending signal whose
/// handler raises) stops the wait and raises in Python.
fn run<T, F>(py: Python<'_>, job: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Error> + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let _ = tx.send(job());
        })
        .map_err(|e| InternalError::new_err(format!("cannot start a thread: {e}")))?;
    let outcome: Option<Result<T, Error>> = py.allow_threads(move || loop {
        match rx.recv_timeout(POLL) {
            Ok(result) => return PyResult::Ok(Some(result)),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(None),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // The worker keeps running until it finishes; its result is dropped.
                Python::with_gil(|py| py.check_signals())?;
            }
        }
    })?;
    match outcome {
        Some(Ok(value)) => Ok(value),
        Some(Err(error)) => Err(to_py_err(py, ErrorData::new(&error))),
        None => Err(to_py_err(py, ErrorData::internal())),
    }
}

fn session(definitions: Option<String>) -> Result<Session, Error> {
    let mut session = Session::new();
    if let Some(src) = definitions {
        session.load_source(&src, Some("<definitions>"))?;
    }
    Ok(session)
}

/// expand(expr, at, order, var, definitions, digits) -> (JSON, text, Markdown report)
#[pyfunction]
#[pyo3(signature = (expr, at, order, var, definitions, digits))]
fn expand(
    py: Python<'_>,
    expr: String,
    at: String,
    order: usize,
    var: String,
    definitions: Option<String>,
    digits: Option<u32>,
) -> PyResult<(String, String, String)> {
    run(py, move || {
        let report = session(definitions)?.expand(&ExpandRequest {
            expr,
            at,
            order,
            var,
            digits,
        })?;
        let text = taylorgate::commands::expand::render_text(&report);
        let markdown = taylorgate::commands::expand::document(
            &report,
            taylorgate::teach::Format::Markdown,
            taylorgate::teach::Lang::En,
            false,
        );
        Ok((report.to_json(), text, markdown))
    })
}

/// diff(expr, order, at, var, definitions, digits) -> JSON
#[pyfunction]
#[pyo3(signature = (expr, order, at, var, definitions, digits))]
fn diff(
    py: Python<'_>,
    expr: String,
    order: u32,
    at: Option<String>,
    var: String,
    definitions: Option<String>,
    digits: Option<u32>,
) -> PyResult<String> {
    run(py, move || {
        Ok(session(definitions)?
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

#[pymethods]
impl GateHandle {
    /// The data in the schema `taylorgate/1`, as JSON text.
    fn json(&self) -> String {
        self.result.data.to_json()
    }

    /// The derivation as `gate --format FORMAT --lang LANG` prints it.
    #[pyo3(signature = (format, lang, digits=None))]
    fn derivation(&self, format: &str, lang: &str, digits: Option<u32>) -> PyResult<String> {
        use taylorgate::teach::Format;
        let format = match format {
            "text" => Format::Text,
            "markdown" => Format::Markdown,
            "latex" => Format::Latex,
            _ => {
                return Err(UsageError::new_err(format!(
                    "unknown format {format:?} (text, markdown or latex)"
                )))
            }
        };
        Ok(taylorgate::commands::gate::derivation(
            &self.result,
            format,
            language(lang)?,
            digits,
            false,
        ))
    }

    /// The plot of the worst error of the scaled gate against lambda, as SVG.
    fn error_svg(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let lang = language(lang)?;
        let (report, radius) = (self.result.report.clone(), self.result.radius.clone());
        run(py, move || {
            taylorgate::commands::plot::error_svg(&report, &radius, lang)
                .map_err(|e| Error::Usage(e.to_string()))
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
    match lang {
        "en" => Ok(taylorgate::teach::Lang::En),
        "pt" => Ok(taylorgate::teach::Lang::Pt),
        _ => Err(UsageError::new_err(format!(
            "no derivation in language {lang:?} (en or pt)"
        ))),
    }
}

/// gate(activation, inputs, bias, degree, epsilon, radius, definitions, digits) -> GateHandle
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (activation, inputs, bias, degree, epsilon, radius, definitions, digits))]
fn gate(
    py: Python<'_>,
    activation: String,
    inputs: usize,
    bias: Option<String>,
    degree: Option<usize>,
    epsilon: Option<String>,
    radius: String,
    definitions: Option<String>,
    digits: Option<u32>,
) -> PyResult<GateHandle> {
    let result = run(py, move || {
        session(definitions)?.gate(&GateRequest {
            activation,
            inputs,
            degree,
            bias,
            epsilon,
            radius,
            digits,
        })
    })?;
    Ok(GateHandle { result })
}

/// prove(text, path, radius) -> (JSON, [text of each claim])
#[pyfunction]
#[pyo3(signature = (text, path, radius))]
fn prove(
    py: Python<'_>,
    text: String,
    path: Option<String>,
    radius: String,
) -> PyResult<(String, Vec<String>)> {
    run(py, move || {
        let report = Session::new().prove(&text, path.as_deref(), &radius)?;
        let texts = report
            .reports
            .iter()
            .map(taylorgate::commands::prove::claim_text)
            .collect();
        Ok((report.to_json(), texts))
    })
}

/// library() -> JSON
#[pyfunction]
fn library() -> String {
    Session::list().to_json()
}

/// scan(definitions, inputs, timeout) -> JSON
#[pyfunction]
#[pyo3(signature = (definitions, inputs, timeout))]
fn scan(
    py: Python<'_>,
    definitions: Option<String>,
    inputs: usize,
    timeout: f64,
) -> PyResult<String> {
    let timeout = Duration::from_secs_f64(timeout.clamp(0.001, 1e9));
    run(py, move || {
        let source = definitions.as_deref().map(|s| (s, Some("<definitions>")));
        Ok(Session::new().scan(source, inputs, timeout)?.to_json())
    })
}

/// An exact real constant (`ln(2)`, `sqrt(pi)/2`, `e`), read from its text in the language.
#[pyclass(module = "taylorgate._taylorgate", subclass, frozen)]
struct ExactConstant {
    value: Const,
}

fn read_const(py: Python<'_>, text: String) -> PyResult<Const> {
    run(py, move || Session::new().parse_point(&text))
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
        run(py, move || {
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
        let sign = run(py, move || {
            let other = Session::new().parse_point(&text)?;
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
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
