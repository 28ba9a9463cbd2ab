//! The `#[wasm_bindgen]` boundary: each export reads its arguments with
//! [`read`] (one way in), calls the core, and answers through [`write`]
//! (one way out) or with the core's one `Error`, which [`error`] turns into
//! a `HappyHorseError`. What a call means is the core's to decide; what is
//! decided here is only how JS values are read and written.
//!
//! The export modules are public only so the crate's own wasm tests can
//! call them; JS users get them through the generated bindings.

mod allocator;
pub mod checks;
pub mod client;
pub(crate) mod error;
#[cfg(feature = "bench-floor")]
mod floor;
pub(crate) mod guard;
pub mod image;
pub(crate) mod read;
pub mod references;
pub mod request;
mod types;
pub(crate) mod write;

/// `createProxy` and `verifyWebhook`: only in the server build.
#[cfg(feature = "server")]
mod server;
