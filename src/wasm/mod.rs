//! The `#[wasm_bindgen]` boundary: each export reads its arguments with
//! [`read`] (one way in), calls the core, and answers through [`write`]
//! (one way out) or with the core's one `Error`, which [`error`] turns into
//! a `HappyHorseError`. What a call means is the core's to decide (and the
//! server half's policy, `crate::server`'s); what is decided here is how JS
//! values are read and written, and which JS objects a call keeps (a
//! signal, a callback, a store). `server/create_proxy.rs` says what little
//! more it decides in carrying out the proxy's answers.
//!
//! `checks`, `client` and `request` are public only so the crate's wasm
//! test suite (tests/js_boundary) can call them; JS users get every export
//! through the generated bindings, and the rest is `pub(crate)`.

mod allocator;
pub mod checks;
pub mod client;
pub(crate) mod error;
#[cfg(feature = "bench-floor")]
mod floor;
pub(crate) mod guard;
pub(crate) mod image;
pub(crate) mod read;
pub(crate) mod references;
pub mod request;
mod types;
pub(crate) mod write;

/// `createProxy` and `verifyWebhook`: only in the server build.
#[cfg(feature = "server")]
mod server;
