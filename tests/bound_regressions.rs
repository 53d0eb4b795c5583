//! Regressions of the branch and bound of `crate::bound`: a search whose enclosures overflow
//! `f64` once printed `|R| <= 0 |x|^4` (`gate exp --radius 1e6`: the unbounded bound of a box
//! was rounded to the rational 0); a search stopped at a limit must say so.

use num_rational::BigRational;
use taylorgate::bound::fi::Fi;
use taylorgate::bound::search::{End, Limits, Search};
use taylorgate::bound::{gate_remainder, BoundError};
use taylorgate::gate::{analyze, GateOptions};
use taylorgate::{parse::parse_expr, Definitions};

fn report(sigma: &str) -> taylorgate::gate::GateReport {
    let e = parse_expr(sigma, &Definitions::new()).unwrap();
    analyze(
        &e,
        &GateOptions {
            inputs: 2,
            degree: None,
            bias: None,
        },
    )
    .unwrap()
}

#[test]
fn an_overflowing_enclosure_gives_no_bound_never_zero() {
    let r = report("exp(x)");
    let radius = BigRational::from_integer(1_000_000.into());
    match gate_remainder(&r, &radius, &taylorgate::bound::default_limits()) {
        Err(BoundError::Overflow(_)) => {}
        other => panic!("exp on |x| <= 1e6: {other:?}"),
    }
}

#[test]
fn a_search_never_keeps_an_unbounded_box_and_never_reports_zero() {
    // |g| = +inf on the whole box: the search fails rather than bound it by anything.
    let g = |_: &[Fi]| -> Result<Fi, BoundError> { Ok(Fi::new(0.0, f64::INFINITY)) };
    let limits = Limits {
        max_boxes: 1000,
        deadline: None,
    };
    assert!(matches!(
        Search::new(&g, vec![vec![Fi::new(-1.0, 1.0)]]),
        Err(BoundError::Overflow(_))
    ));
    // Unbounded only near x = 0.5: the halves elsewhere are kept, the search still fails.
    let g = |b: &[Fi]| -> Result<Fi, BoundError> {
        Ok(if b[0].lo <= 0.5 && b[0].hi >= 0.5 {
            Fi::new(0.0, f64::INFINITY)
        } else {
            Fi::new(0.0, 1.0)
        })
    };
    assert!(Search::new(&g, vec![vec![Fi::new(-1.0, 1.0)]]).is_err());
    // A bounded search stopped at its limit reports the largest box kept, not 0.
    let g = |b: &[Fi]| -> Result<Fi, BoundError> { Ok(b[0].abs().add(Fi::point(1.0))) };
    let mut s = Search::new(&g, vec![vec![Fi::new(-1.0, 1.0)]]).unwrap();
    let end = s.run(None, 0.0, &limits).unwrap();
    assert_eq!(end, End::Limit);
    assert!(s.upper() >= 2.0, "upper {}", s.upper());
    assert!(s.stopped.as_deref().unwrap().contains("1000 boxes"));
    // An empty search has proved nothing.
    let s = Search::new(&g, vec![]).unwrap();
    assert_eq!(s.upper(), f64::INFINITY);
}

#[test]
fn a_bound_stopped_at_its_limit_says_it_is_not_converged() {
    // 10^(100 x) under a limit of 40 boxes (it converges with the default limits since each
    // cell of Phi encloses its own Lagrange factor): K is rigorous but not tight.
    let r = report("1e100^x");
    let mut limits = taylorgate::bound::default_limits();
    limits.max_boxes = 40;
    let b = gate_remainder(&r, &BigRational::from_integer(1.into()), &limits).unwrap();
    assert!(!b.converged);
    // At the limit of boxes, or earlier when the bound stopped dropping.
    let why = b.stopped.as_deref().unwrap_or_default();
    assert!(
        why.contains("40 boxes") || why.contains("no progress"),
        "{why}"
    );
    assert!(b.method.contains("NOT CONVERGED"), "{}", b.method);
    // A value attained is stated (the corner enclosures), and K is above it.
    assert!(b.attained > BigRational::from_integer(0.into()));
    assert!(b.k >= b.attained);
}
