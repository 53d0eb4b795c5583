//! `taylorgate scan`. STATUS: to be implemented.

use super::Outcome;

/// Arguments of `taylorgate scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {}

/// Runs `taylorgate scan`.
pub fn run(_args: &ScanArgs) -> Result<Outcome, crate::Error> {
    Err(crate::Error::Usage("`scan` is not implemented yet".into()))
}
