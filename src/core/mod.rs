//! The pure-Rust core that every build has: the model's contract and checks,
//! and (in [`job`]) the job machine. No wasm in sight, so all of it is
//! tested natively. Each module is one noun; the `io` and `wasm` layers only
//! call in. What only servers decide is in `crate::server`.

pub mod capabilities;
pub mod cost;
pub(crate) mod date;
pub mod error;
pub mod image_probe;
pub mod issue;
pub mod job;
pub mod json;
pub(crate) mod limits;
pub mod options;
pub(crate) mod redact;
pub mod references;
pub mod request;
pub mod spec;
pub(crate) mod text;
pub(crate) mod url;
pub mod uuid;
pub mod validate;
pub(crate) mod value;

#[cfg(test)]
mod properties_tests;
#[cfg(test)]
pub(crate) mod testing;

pub use cost::{estimate, Estimate};
pub use error::{Error, ErrorCode};
pub use issue::{Issue, IssueCode, Mode, Report};
pub use options::{parse_send_options, SendOptions};
pub use request::{build_request, HttpRequest};
pub use spec::{ModelSpec, Resolution, HAPPYHORSE_11};
pub use validate::validate;
pub use value::Value;
