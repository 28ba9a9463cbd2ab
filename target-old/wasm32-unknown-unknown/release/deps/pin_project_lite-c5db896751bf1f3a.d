/work/main/target-old/wasm32-unknown-unknown/release/deps/pin_project_lite-c5db896751bf1f3a.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pin-project-lite-0.2.18/src/lib.rs

/work/main/target-old/wasm32-unknown-unknown/release/deps/libpin_project_lite-c5db896751bf1f3a.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pin-project-lite-0.2.18/src/lib.rs

/work/main/target-old/wasm32-unknown-unknown/release/deps/libpin_project_lite-c5db896751bf1f3a.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pin-project-lite-0.2.18/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pin-project-lite-0.2.18/src/lib.rs:
