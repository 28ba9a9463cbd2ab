//! happyhorse: a browser-first, validating, cost-aware client for the
//! Happy Horse 1.1 video-generation API.
//!
//! Three layers, each in its own folder:
//! - [`core`]: pure Rust (spec table, request checks, cost, request
//!   building, job parsing, retry and poll policy). Knows nothing of wasm and
//!   is tested natively with `cargo test`.
//! - `http` (wasm only): the `fetch`, timer and abort-signal layer that runs a
//!   job over the network using the core's policies.
//! - `wasm` (wasm only): the `#[wasm_bindgen]` exports; they only convert
//!   values between JS and the core and map errors.

pub mod core;

/// What only servers run (proxy policy, webhook signature): the `server`
/// feature, built into `happyhorse/server`, never into the page build.
#[cfg(feature = "server")]
pub mod server;

#[cfg(target_arch = "wasm32")]
mod io;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use crate::core::{build_request, estimate, validate, Error, ErrorCode, Estimate, HttpRequest, Issue, IssueCode, Mode, Report, Value};
