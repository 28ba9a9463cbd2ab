# Sourced by the other scripts: the PATH every build and test step uses.
# npm's binaryen (wasm-opt 132) comes first: Debian's binaryen 108 breaks
# wasm-bindgen 0.2.130 release builds (Table.set fails at init).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/binaryen/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
