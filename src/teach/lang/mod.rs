//! The words of taylorgate's derivations, one table per language.
//!
//! A template is prose: `{}` takes the next argument (a piece of mathematics), `{name}` a
//! named symbol (see `doc::symbol`); everything else is words (no TeX, no `^`).

mod en;
mod pt;

crate::choice::choice_enum! {
    /// The languages of the derivations.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum Lang {
        /// English.
        #[default]
        En = "en",
        /// Portuguese.
        Pt = "pt",
    }
}

impl Lang {
    /// The message table of the language.
    pub fn messages(self) -> &'static Messages {
        match self {
            Lang::En => &en::MESSAGES,
            Lang::Pt => &pt::MESSAGES,
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        crate::choice::Choice::name(self)
    }
}

/// Every message of the derivations and plots (templates; see the module documentation).
#[derive(Debug)]
pub struct Messages {
    /// Message `title`.
    pub title: &'static str,
    /// Message `verdict_admits`.
    pub verdict_admits: &'static str,
    /// Message `verdict_not`.
    pub verdict_not: &'static str,
    /// Message `verdict_undecided`.
    pub verdict_undecided: &'static str,
    /// Message `reason`.
    pub reason: &'static str,
    /// Message `h_network`.
    pub h_network: &'static str,
    /// Message `network_layer`.
    pub network_layer: &'static str,
    /// Message `network_values`.
    pub network_values: &'static str,
    /// Message `note_slides_order_undecided`.
    pub note_slides_order_undecided: &'static str,
    /// Word `with`, between the output weights and the value of their scale.
    pub with_word: &'static str,
    /// Words of the signed sum's two cases: `if every`, `is odd`, `otherwise`.
    pub odd_cases: [&'static str; 3],
    /// Message `network_two`.
    pub network_two: &'static str,
    /// Message `h_taylor`.
    pub h_taylor: &'static str,
    /// Message `bias_shift_vanishes`.
    pub bias_shift_vanishes: &'static str,
    /// Message `bias_shift_other`.
    pub bias_shift_other: &'static str,
    /// Message `taylor_intro`.
    pub taylor_intro: &'static str,
    /// Message `taylor_dn`.
    pub taylor_dn: &'static str,
    /// Message `h_sum`.
    pub h_sum: &'static str,
    /// Message `sum_expand`.
    pub sum_expand: &'static str,
    /// Message `sum_multinomial`.
    pub sum_multinomial: &'static str,
    /// Message `sum_survive`.
    pub sum_survive: &'static str,
    /// Message `sum_constant`.
    pub sum_constant: &'static str,
    /// Message `sum_low`.
    pub sum_low: &'static str,
    /// Message `sum_parity`.
    pub sum_parity: &'static str,
    /// Message `sum_formula`.
    pub sum_formula: &'static str,
    /// Message `sum_lowest`.
    pub sum_lowest: &'static str,
    /// Message `h_even`.
    pub h_even: &'static str,
    /// Message `even_intro`.
    pub even_intro: &'static str,
    /// Message `even_binomial`.
    pub even_binomial: &'static str,
    /// Message `even_first`.
    pub even_first: &'static str,
    /// Message `h_result`.
    pub h_result: &'static str,
    /// Message `result_exact`.
    pub result_exact: &'static str,
    /// Message `result_exact_why`.
    pub result_exact_why: &'static str,
    /// Message `result_intro`.
    pub result_intro: &'static str,
    /// Message `result_sharp`.
    pub result_sharp: &'static str,
    /// Message `result_leading`.
    pub result_leading: &'static str,
    /// Message `result_coefficient`.
    pub result_coefficient: &'static str,
    /// Message `result_vanishing`.
    pub result_vanishing: &'static str,
    /// Message `result_undecided`.
    pub result_undecided: &'static str,
    /// Message `result_none`.
    pub result_none: &'static str,
    /// Message `h_scaling`.
    pub h_scaling: &'static str,
    /// Message `scaling_intro`.
    pub scaling_intro: &'static str,
    /// Message `scaling_exact`.
    pub scaling_exact: &'static str,
    /// Message `scaling_power`.
    pub scaling_power: &'static str,
    /// Message `scaling_limit`.
    pub scaling_limit: &'static str,
    /// Message `h_bound`.
    pub h_bound: &'static str,
    /// Message `bound_lagrange`.
    pub bound_lagrange: &'static str,
    /// Message `bound_ingredients`.
    pub bound_ingredients: &'static str,
    /// Message `bound_result`.
    pub bound_result: &'static str,
    /// Message `bound_attained`.
    pub bound_attained: &'static str,
    /// Message `bound_attained_ratio`.
    pub bound_attained_ratio: &'static str,
    /// Message `bound_not_converged`.
    pub bound_not_converged: &'static str,
    /// Message `bound_method`.
    pub bound_method: &'static str,
    /// Message `bound_none`.
    pub bound_none: &'static str,
    /// Message `h_certificate`.
    pub h_certificate: &'static str,
    /// Message `cert_intro`.
    pub cert_intro: &'static str,
    /// Message `cert_final`.
    pub cert_final: &'static str,
    /// Message `cert_none`.
    pub cert_none: &'static str,
    /// Message `h_notes`.
    pub h_notes: &'static str,
    /// Message `note_slides_order`.
    pub note_slides_order: &'static str,
    /// Message `note_slides_order_exact`.
    pub note_slides_order_exact: &'static str,
    /// Message `note_slides_half`.
    pub note_slides_half: &'static str,
    /// Message `note_paper_lambda`.
    pub note_paper_lambda: &'static str,
    /// Message `note_eq28`.
    pub note_eq28: &'static str,
    /// Message `note_squaring`.
    pub note_squaring: &'static str,
    /// Message `h_digits`.
    pub h_digits: &'static str,
    /// Message `digits_intro`.
    pub digits_intro: &'static str,
    /// Message `reason_admits_zero`.
    pub reason_admits_zero: &'static str,
    /// Message `reason_admits_bias`.
    pub reason_admits_bias: &'static str,
    /// Message `reason_zero_vanishes`.
    pub reason_zero_vanishes: &'static str,
    /// Message `reason_zero_undecided`.
    pub reason_zero_undecided: &'static str,
    /// Message `reason_zero_not_smooth`.
    pub reason_zero_not_smooth: &'static str,
    /// Message `reason_polynomial`.
    pub reason_polynomial: &'static str,
    /// Message `reason_affine`.
    pub reason_affine: &'static str,
    /// Message `reason_piecewise`.
    pub reason_piecewise: &'static str,
    /// Message `reason_piecewise_affine`.
    pub reason_piecewise_affine: &'static str,
    /// Message `reason_vanishes`.
    pub reason_vanishes: &'static str,
    /// Message `reason_unproved`.
    pub reason_unproved: &'static str,
    /// Message `reason_not_expandable`.
    pub reason_not_expandable: &'static str,
    /// Message `reason_no_bias`.
    pub reason_no_bias: &'static str,
    /// Message `prove_title`.
    pub prove_title: &'static str,
    /// Message `prove_line`.
    pub prove_line: &'static str,
    /// Message `prove_definitions`.
    pub prove_definitions: &'static str,
    /// Message `prove_claim`.
    pub prove_claim: &'static str,
    /// Message `prove_proved_total`.
    pub prove_proved_total: &'static str,
    /// Message `prove_proved_in`.
    pub prove_proved_in: &'static str,
    /// Message `prove_exact`.
    pub prove_exact: &'static str,
    /// Message `prove_sharp`.
    pub prove_sharp: &'static str,
    /// Message `prove_bound`.
    pub prove_bound: &'static str,
    /// Message `prove_bound_none`.
    pub prove_bound_none: &'static str,
    /// Message `prove_refuted`.
    pub prove_refuted: &'static str,
    /// Message `prove_undecided`.
    pub prove_undecided: &'static str,
    /// Message `prove_left`.
    pub prove_left: &'static str,
    /// Message `prove_right`.
    pub prove_right: &'static str,
    /// Message `prove_searched`.
    pub prove_searched: &'static str,
    /// Message `expand_title`.
    pub expand_title: &'static str,
    /// Message `expand_intro`.
    pub expand_intro: &'static str,
    /// Message `expand_notes`.
    pub expand_notes: &'static str,
    /// Message `diff_title`.
    pub diff_title: &'static str,
    /// Message `diff_intro`.
    pub diff_intro: &'static str,
    /// Message `diff_values`.
    pub diff_values: &'static str,
    /// Message `scan_title`.
    pub scan_title: &'static str,
    /// Message `scan_intro`.
    pub scan_intro: &'static str,
    /// Message `scan_activation`.
    pub scan_activation: &'static str,
    /// Message `scan_verdict`.
    pub scan_verdict: &'static str,
    /// Message `scan_bias`.
    pub scan_bias: &'static str,
    /// Message `scan_derivative`.
    pub scan_derivative: &'static str,
    /// Message `scan_leading`.
    pub scan_leading: &'static str,
    /// Message `scan_yes`.
    pub scan_yes: &'static str,
    /// Message `scan_no`.
    pub scan_no: &'static str,
    /// Message `scan_undecided`.
    pub scan_undecided: &'static str,
    /// Message `plot_error_title`.
    pub plot_error_title: &'static str,
    /// Message `plot_error_x`.
    pub plot_error_x: &'static str,
    /// Message `plot_error_y`.
    pub plot_error_y: &'static str,
    /// Message `plot_measured`.
    pub plot_measured: &'static str,
    /// Message `plot_bound`.
    pub plot_bound: &'static str,
    /// Message `plot_slope`.
    pub plot_slope: &'static str,
    /// Message `plot_heat_title`.
    pub plot_heat_title: &'static str,
    /// Message `plot_heat_x`.
    pub plot_heat_x: &'static str,
    /// Message `plot_heat_y`.
    pub plot_heat_y: &'static str,
    /// Message `plot_taylor_title`.
    pub plot_taylor_title: &'static str,
    /// Message `plot_taylor_x`.
    pub plot_taylor_x: &'static str,
    /// Message `plot_function`.
    pub plot_function: &'static str,
    /// Message `plot_order`.
    pub plot_order: &'static str,
    /// Message `names_where`: before the definitions of the names `K_j` of long constants.
    pub names_where: &'static str,
    /// Message `why_detail`: `{phrase}` followed by the engine's own `{detail}` (English), or where to read it.
    pub why_detail: &'static str,
    /// Message `why_not_a_network`: No bound: the remainder is not one network the bound handles.
    pub why_not_a_network: &'static str,
    /// Message `why_phi`: No bound: an enclosure of a neuron function failed.
    pub why_phi: &'static str,
    /// Message `why_enclosure`: An interval computation failed (`{}`: what failed).
    pub why_enclosure: &'static str,
    /// Message `why_options`: A bad option.
    pub why_options: &'static str,
    /// Message `why_unsound`: The floating-point model is contradicted at a point `{}`.
    pub why_unsound: &'static str,
    /// Message `why_overflow`: An enclosure overflows f64 on the box `{}`.
    pub why_overflow: &'static str,
    /// Message `why_not_admitted`: No certificate: the gate is not proved.
    pub why_not_admitted: &'static str,
    /// Message `why_not_reached`: No certificate: no lambda >= 2^-{} reaches epsilon = {}.
    pub why_not_reached: &'static str,
    /// Message `why_iv_division_by_zero`: Interval: division by zero.
    pub why_iv_division_by_zero: &'static str,
    /// Message `why_iv_divisor_zero`: Interval: a divisor contains zero.
    pub why_iv_divisor_zero: &'static str,
    /// Message `why_iv_domain`: Interval: `{}` undefined on the whole argument interval.
    pub why_iv_domain: &'static str,
    /// Message `why_iv_partly_outside`: Interval: the argument of `{}` reaches outside its domain.
    pub why_iv_partly_outside: &'static str,
    /// Message `why_iv_unbound`: Interval: the variable `{}` has no value.
    pub why_iv_unbound: &'static str,
    /// Message `why_iv_arity`: Interval: `{}` called with the wrong number of arguments.
    pub why_iv_arity: &'static str,
    /// Message `why_iv_too_large`: Interval: a number too large.
    pub why_iv_too_large: &'static str,
    /// Message `why_iv_unsupported`: Interval: a form without an enclosure.
    pub why_iv_unsupported: &'static str,
    /// Message `why_iv_empty`: Interval: an empty interval.
    pub why_iv_empty: &'static str,
    /// Message `degree_word`: The word before a total degree in `[degree 4]`.
    pub degree_word: &'static str,
    /// Message `all_odd`: Under a sum over multi-indices: every exponent odd.
    pub all_odd: &'static str,
    /// Message `why_engine`: What the engine reported (its words follow, or where to read them).
    pub why_engine: &'static str,
    /// Message `why_claim_not_proved`: No bound: the claim is not proved.
    pub why_claim_not_proved: &'static str,
    /// Message `why_radius`: No bound: the radius is not positive.
    pub why_radius: &'static str,
    /// Message `why_no_variable`: No bound: the claim has no variable.
    pub why_no_variable: &'static str,
    /// Message `why_lower`: No bound: the remainder is not one scalar expression.
    pub why_lower: &'static str,
    /// Message `odd_one`: Under a sum over one index: the index odd.
    pub odd_one: &'static str,
    /// Message `h_lambda`.
    pub h_lambda: &'static str,
    /// Message `lambda_question`.
    pub lambda_question: &'static str,
    /// Message `lambda_certified`.
    pub lambda_certified: &'static str,
    /// Message `lambda_refuted`.
    pub lambda_refuted: &'static str,
    /// Message `lambda_undecided`.
    pub lambda_undecided: &'static str,
    /// Message `lambda_enclosed`.
    pub lambda_enclosed: &'static str,
    /// Message `lambda_enclosed_stopped`.
    pub lambda_enclosed_stopped: &'static str,
    /// Message `lambda_witness`.
    pub lambda_witness: &'static str,
    /// Message `lambda_method_model`.
    pub lambda_method_model: &'static str,
    /// Message `lambda_method_direct`.
    pub lambda_method_direct: &'static str,
    /// Message `lambda_none`.
    pub lambda_none: &'static str,
    /// Message `stop_boxes`.
    pub stop_boxes: &'static str,
    /// Message `stop_deadline`.
    pub stop_deadline: &'static str,
    /// Message `stop_stall`.
    pub stop_stall: &'static str,
    /// Message `h_float`.
    pub h_float: &'static str,
    /// Message `float_intro`.
    pub float_intro: &'static str,
    /// Message `float_certified`.
    pub float_certified: &'static str,
    /// Message `float_not_reached`.
    pub float_not_reached: &'static str,
    /// Message `float_smallest`.
    pub float_smallest: &'static str,
    /// Message `float_stored`.
    pub float_stored: &'static str,
    /// Message `float_order`.
    pub float_order: &'static str,
    /// Message `float_assumptions`.
    pub float_assumptions: &'static str,
    /// Message `float_assume_round`.
    pub float_assume_round: &'static str,
    /// Message `float_assume_inputs`.
    pub float_assume_inputs: &'static str,
    /// Message `float_assume_sigma`.
    pub float_assume_sigma: &'static str,
    /// Message `float_assume_weights`.
    pub float_assume_weights: &'static str,
    /// Message `float_none`.
    pub float_none: &'static str,
}
