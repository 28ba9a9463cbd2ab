//! The `#[wasm_bindgen]` boundary: each export converts its arguments with
//! [`convert`], calls the core, and maps failures to `HappyHorseError`s.
//! No decisions are made here.

mod checks;
mod convert;
mod error;
mod request;
mod types;
