#!/usr/bin/env bash
# Builds the npm package into pkg/ (release, wasm-opt -Oz). Two .wasm files,
# chosen by where the code runs:
#   pkg/            the page build (--target web, no `server` feature): pages,
#                   workers, bundlers (call init() once). `happyhorse`.
#   pkg/server/     the server build (--target web, `server` feature: adds
#                   createProxy and verifyWebhook): workerd, Deno, edge
#                   runtimes. `happyhorse/server`.
#   pkg/node/       the server build's --target nodejs glue, picked by Node for
#                   both entries through package.json "exports"; it loads
#                   ../server/happyhorse_bg.wasm (the same bytes, shipped once).
# pkg-server/ and pkg-node/ keep the raw builds (the Node tests load
# pkg-node/), and target/release/fake-apiframe is the local fake API.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

wasm-pack build --release --target web --out-dir pkg --out-name happyhorse
wasm-pack build --release --target web --out-dir pkg-server --out-name happyhorse -- --features server
wasm-pack build --release --target nodejs --out-dir pkg-node --out-name happyhorse -- --features server
node scripts/finish-pkg.mjs pkg pkg-server pkg-node
cargo build --release -p fake-apiframe
