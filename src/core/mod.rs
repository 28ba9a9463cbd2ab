//! The pure-Rust core: everything the package decides, with no wasm in
//! sight. Each module is one noun; the wasm and http layers only call in.

pub mod capabilities;
pub mod cost;
pub mod date;
pub mod error;
pub mod image_probe;
pub mod issue;
pub mod job;
pub mod json;
pub mod limits;
pub mod options;
pub mod references;
pub mod request;
pub mod spec;
pub mod text;
pub mod url;
pub mod uuid;
pub mod validate;
pub mod value;

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
