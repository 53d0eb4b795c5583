//! Guaranteed decimal digits of exact constants.

use super::{enclose_value_at, to_decimal, MAX_PREC};
use crate::number::Const;

/// A decimal string of `digits` significant digits within one unit in the last place of the
/// exact value (`"0"` for an exact zero), the working precision raised until the enclosure is
/// narrow enough; `None` when no precision up to [`MAX_PREC`] separates the value from 0 (it
/// may be zero) or the value cannot be enclosed.
///
/// ```
/// use taylorgate::interval::guaranteed_digits;
/// use taylorgate::Const;
/// assert_eq!(guaranteed_digits(&Const::pi(), 30).unwrap(), "3.14159265358979323846264338328");
/// assert_eq!(guaranteed_digits(&Const::zero(), 5).unwrap(), "0");
/// ```
pub fn guaranteed_digits(value: &Const, digits: u32) -> Option<String> {
    if value.is_zero() {
        return Some("0".to_string());
    }
    let digits = digits.clamp(1, 1000);
    // digits * log2(10) bits, plus a margin for the rounding to the nearest decimal.
    let mut bits = digits.saturating_mul(10) / 3 + 16;
    loop {
        let x = match enclose_value_at(value, bits) {
            Ok(x) => x,
            Err(e) if e.may_resolve_with_precision() && bits < MAX_PREC => {
                bits = bits.saturating_mul(2).min(MAX_PREC);
                continue;
            }
            Err(_) => return None,
        };
        if let Some(s) = to_decimal(&x, digits) {
            return Some(s);
        }
        if bits >= MAX_PREC {
            return None;
        }
        bits = bits.saturating_mul(2).min(MAX_PREC);
    }
}
