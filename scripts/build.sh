#!/usr/bin/env bash
# Builds the npm package into pkg/ (release, wasm-opt -Oz):
#   pkg/            --target web: pages, workers, bundlers (call init() once)
#   pkg/node/       --target nodejs: picked by Node through package.json "exports"
# pkg-node/ keeps the nodejs build on its own for the Node tests, and
# target/release/fake-apiframe is the local fake API (tests, demo, bench).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

wasm-pack build --release --target web --out-dir pkg --out-name happyhorse
wasm-pack build --release --target nodejs --out-dir pkg-node --out-name happyhorse
node scripts/finish-pkg.mjs pkg pkg-node
cargo build --release -p fake-apiframe
