//! The JS-boundary suite under Node (`wasm-pack test --node`).
#![cfg(target_arch = "wasm32")]

#[path = "js_boundary/suite.rs"]
mod suite;
