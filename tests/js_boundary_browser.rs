//! The JS-boundary suite in headless Chromium (`wasm-pack test --chrome`).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "js_boundary/suite.rs"]
mod suite;
