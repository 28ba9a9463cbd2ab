//! happyhorse: a browser-first, validating, cost-aware client for the
//! Happy Horse 1.1 video-generation API.
//!
//! Folders say where code runs:
//! - [`core`] (every build, pure Rust): the model's contract and checks
//!   (spec table, validation, cost, request building) and, in `core/job/`,
//!   the job machine: the whole conversation with the service as synchronous
//!   code (retries, idempotency, polling, reading answers, redaction, the
//!   record that lets a job outlive its page). Knows nothing of wasm and is
//!   tested natively with `cargo test`.
//! - [`server`] (the `server` feature only, pure Rust): what only servers
//!   decide: the proxy's policy and the webhook signature. Built into
//!   `happyhorse/server` and the Node entry, never into the page build.
//! - `io` (wasm only, every build): the one async loop that carries out the
//!   job machine's actions with `fetch`, timers and abort signals, keeps
//!   recorded jobs in the caller's store, and claims them across tabs.
//! - `wasm` (wasm only): the `#[wasm_bindgen]` exports, which convert values
//!   between JS and the core and map errors; `wasm/server/` holds the server
//!   build's exports (`createProxy`, `verifyWebhook`).

pub mod core;

#[cfg(feature = "server")]
pub mod server;

#[cfg(target_arch = "wasm32")]
mod io;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use crate::core::{build_request, estimate, validate, Error, ErrorCode, Estimate, HttpRequest, Issue, IssueCode, Mode, Report, Value};
