#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) needs; skips what is
# already present, so it is cheap to run every time.
#   scripts/setup.sh            Rust wasm target, wasm-pack, wasm-bindgen-cli, npm tools
#   scripts/setup.sh --browser  also Debian's chromium and chromium-driver, and the
#                               npm tools of the runtime tests (workerd, Deno,
#                               Express, Next.js) and the bundler consumer tests
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

say() { printf '[setup] %s\n' "$*"; }

if [[ "${1:-}" == "--browser" ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
  if ((${#missing[@]})); then
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    say "apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "rustup component add $component"
    rustup component add "$component"
  fi
done

if ! command -v wasm-pack >/dev/null; then
  say "cargo install wasm-pack"
  cargo install wasm-pack --locked || cargo install wasm-pack
fi

# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
  say "cargo install wasm-bindgen-cli $want (have: ${have:-none})"
  cargo install wasm-bindgen-cli --version "=$want" --locked --force \
    || cargo install wasm-bindgen-cli --version "=$want" --force
fi

if [[ ! -x node_modules/binaryen/bin/wasm-opt || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Test-only npm trees, each with its own lockfile (installed only for tests).
if [[ "${1:-}" == "--browser" ]]; then
  for dir in tests/runtimes tests/consumers; do
    [[ -f "$dir/package-lock.json" ]] || continue
    if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
      say "npm ci --prefix $dir"
      npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    fi
  done
fi
