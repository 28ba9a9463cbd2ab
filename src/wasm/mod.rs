//! The `#[wasm_bindgen]` boundary: each export reads its arguments with
//! [`read`] (one way in), calls the core, and answers through [`write`]
//! (one way out) or with the core's one `Error`, which [`error`] turns into
//! a `HappyHorseError`. No decisions are made here.
//!
//! The export modules are public only so the crate's own wasm tests can
//! call them; JS users get them through the generated bindings.

mod allocator;
pub mod checks;
pub mod client;
mod error;
#[cfg(feature = "bench-floor")]
mod floor;
mod guard;
pub mod image;
pub mod proxy;
mod read;
pub mod references;
pub mod request;
mod types;
pub mod webhook;
mod write;
