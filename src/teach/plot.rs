//! Plots: the error of the scaled gate against lambda, the heat map of the error, and Taylor
//! polynomials beside their function (SVG, PNG, CSV).
