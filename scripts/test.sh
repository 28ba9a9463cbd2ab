#!/usr/bin/env bash
# Runs every test: native Rust (unit + property), the wasm boundary suite
# under Node and headless Chromium, the Node tests of the built package
# (including the differential test against ../shared/apiframe-openapi.json
# and a strict TypeScript consumer), the hostile-input suite in Node and
# Chromium, the client scenarios against the fake API (a hostile server
# among them) in Node, Chromium and a Worker, createProxy against the fake
# as its upstream, and the page tests in Chromium against the release build.
# Installs what it needs first (scripts/setup.sh skips what is present).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step() { printf '\n=== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh --browser

step "lints (cargo fmt --check; cargo clippy -D warnings, native with the server feature and wasm32 with and without it)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --features happyhorse/server -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features server -- -D warnings

step "native tests (cargo test)"
cargo test --workspace --features happyhorse/server

step "build the package (release, web + nodejs)"
bash scripts/build.sh

step "wasm boundary suite under Node"
wasm-pack test --node

step "wasm boundary suite in headless Chromium"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver

step "Node, hostile inputs, hostile servers and runtimes (with a GC every 200 ms), client (Node + Chromium + Worker), proxy, runtimes (workerd, Deno, Express, Next.js), bundler and test-runner consumers (Vite, webpack, esbuild, Rollup, Parcel, plain page, Node, Vitest) and page tests (node --test)"
node --expose-gc --test --test-concurrency=1 tests/node/ tests/hostile/ tests/hostile-io/ tests/client/ tests/proxy/ tests/runtimes/ tests/consumers/ tests/page/
