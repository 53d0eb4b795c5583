//! Why the engine gave no bound or no certificate, in words of the document's language: each
//! error kind a teaching document quotes has its phrase in the language tables. A detail that
//! only the engine can word (its English text) is quoted where the language is English; the
//! other languages say where to read it (the JSON output) rather than mix in English.

use super::lang::Messages;
use crate::bound::BoundError;
use crate::certificate::CertificateError;
use crate::interval::IntervalError;

/// `phrase` with the engine's own `detail` after it, as the language words that
/// ([`Messages::why_detail`]).
pub(crate) fn with_detail(msg: &Messages, phrase: &str, detail: &str) -> String {
    msg.why_detail
        .replace("{phrase}", phrase)
        .replace("{detail}", detail)
}

/// `template` with its one `{}` replaced by `value` (a name or a number, not words).
fn filled(template: &str, value: &str) -> String {
    template.replacen("{}", value, 1)
}

/// A failed interval computation in words.
pub(crate) fn interval(e: &IntervalError, msg: &Messages) -> String {
    match e {
        IntervalError::DivisionByZero => msg.why_iv_division_by_zero.to_string(),
        IntervalError::DivisorContainsZero => msg.why_iv_divisor_zero.to_string(),
        IntervalError::Domain { func } => filled(msg.why_iv_domain, func),
        IntervalError::PartlyOutsideDomain { func } => filled(msg.why_iv_partly_outside, func),
        IntervalError::UnboundVariable(v) => filled(msg.why_iv_unbound, v),
        IntervalError::Arity(f) => filled(msg.why_iv_arity, f),
        IntervalError::Empty => msg.why_iv_empty.to_string(),
        IntervalError::Unsupported(_) | IntervalError::TooLarge(_) => {
            let phrase = match e {
                IntervalError::TooLarge(_) => msg.why_iv_too_large,
                _ => msg.why_iv_unsupported,
            };
            with_detail(msg, phrase, &e.to_string())
        }
    }
}

/// Why there is no remainder bound, in words.
pub(crate) fn bound(e: &BoundError, msg: &Messages) -> String {
    match e {
        BoundError::NotANetwork => msg.why_not_a_network.to_string(),
        BoundError::Phi(detail) => with_detail(msg, msg.why_phi, detail),
        BoundError::Interval(iv) => filled(msg.why_enclosure, &interval(iv, msg)),
        BoundError::Options(detail) => with_detail(msg, msg.why_options, detail),
        BoundError::Unsound(at) => filled(msg.why_unsound, at),
        BoundError::Overflow(at) => filled(msg.why_overflow, at),
    }
}

/// Why there is no certificate, in words.
pub(crate) fn certificate(e: &CertificateError, msg: &Messages) -> String {
    match e {
        CertificateError::Options(detail) => with_detail(msg, msg.why_options, detail),
        CertificateError::NotAdmitted => msg.why_not_admitted.to_string(),
        CertificateError::Interval(iv) => filled(msg.why_enclosure, &interval(iv, msg)),
        CertificateError::NotReached(eps) => msg
            .why_not_reached
            .replacen("{}", &crate::certificate::MAX_HALVINGS.to_string(), 1)
            .replacen("{}", eps, 1),
    }
}

/// Why a proved claim has no remainder bound, in words.
pub(crate) fn claim_bound(e: &crate::prove::BoundError, msg: &Messages) -> String {
    use crate::prove::BoundError as E;
    match e {
        E::NotProved => msg.why_claim_not_proved.to_string(),
        E::Radius => msg.why_radius.to_string(),
        E::NoVariable => msg.why_no_variable.to_string(),
        E::Lower(err) => with_detail(msg, msg.why_lower, &err.to_string()),
        E::Bound(err) => bound(err, msg),
    }
}
