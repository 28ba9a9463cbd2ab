//! The `#[wasm_bindgen]` boundary: each export converts its arguments with
//! [`convert`], calls the core, and maps failures to `HappyHorseError`s.
//! No decisions are made here.

//! Public only so the crate's own wasm tests can call the exports; JS users
//! get them through the generated bindings.

pub mod checks;
pub mod client;
pub mod convert;
pub mod error;
pub mod image;
pub mod job;
pub mod references;
pub mod request;
mod types;
pub mod webhook;
