//! `taylorgate gate`. STATUS: to be implemented.

use super::Outcome;

/// Arguments of `taylorgate gate`.
#[derive(clap::Args, Debug, Clone)]
pub struct GateArgs {}

/// Runs `taylorgate gate`.
pub fn run(_args: &GateArgs) -> Result<Outcome, crate::Error> {
    Err(crate::Error::Usage("`gate` is not implemented yet".into()))
}
