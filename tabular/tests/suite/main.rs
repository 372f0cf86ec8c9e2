//! Black-box tests of `tabular`, one module per concern; one test binary so the
//! workspace links it once.

mod compression;
mod delimited;
mod encoding;
mod fatal;
mod fixed_width;
mod helpers;
mod recovery;
mod writer;
