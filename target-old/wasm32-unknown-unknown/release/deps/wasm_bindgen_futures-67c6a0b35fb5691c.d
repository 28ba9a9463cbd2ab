/work/main/target-old/wasm32-unknown-unknown/release/deps/wasm_bindgen_futures-67c6a0b35fb5691c.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/wasm-bindgen-futures-0.4.80/src/lib.rs

/work/main/target-old/wasm32-unknown-unknown/release/deps/libwasm_bindgen_futures-67c6a0b35fb5691c.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/wasm-bindgen-futures-0.4.80/src/lib.rs

/work/main/target-old/wasm32-unknown-unknown/release/deps/libwasm_bindgen_futures-67c6a0b35fb5691c.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/wasm-bindgen-futures-0.4.80/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/wasm-bindgen-futures-0.4.80/src/lib.rs:
