//! The pure-Rust core that every build has: the model's contract and checks,
//! and (in [`job`]) the job machine. No wasm in sight, so all of it is
//! tested natively. Each module is one noun; the `io` and `wasm` layers only
//! call in. What only servers decide is in `crate::server`.
//!
//! Public is what a native user needs: `validate`, `estimate`,
//! `build_request`, `capabilities`, the model table (`spec`), reading
//! answers (`json`), image probing, `[Image N]` references, ids (`uuid`), and
//! the job machine with its record (a native client drives it with its own
//! HTTP and timers, as `crate::io` does with `fetch`). Everything else is
//! `pub(crate)`, so dead code shows. Failure has one shape, [`Error`]: a
//! module's own parse results (`Report` while issues are gathered, a URL's
//! or an answer's reason) are private details that become an `Error` (or an
//! issue of one) where they leave the module.

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
