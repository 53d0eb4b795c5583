//! `expand`: the input is an expression in `x` (definitions of the library in scope), expanded
//! at 0 and at 1/2 to order 4.
#![no_main]
use libfuzzer_sys::fuzz_target;
use taylorgate::Const;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else { return };
    let defs = taylorgate::library::definitions();
    let Ok(expr) = taylorgate::parse::parse_expr(src, &defs) else { return };
    common::budgeted(|| {
        let Ok(expr) = taylorgate::diff::inline_definitions(&expr, &defs) else { return };
        let half = Const::from_rational(num_rational::BigRational::new(1.into(), 2.into()));
        for point in [Const::zero(), half] {
            if let Err(e) = taylorgate::series::taylor(&expr, "x", &point, 4) {
                common::no_internal_names(&e.to_string());
            }
        }
    });
});
